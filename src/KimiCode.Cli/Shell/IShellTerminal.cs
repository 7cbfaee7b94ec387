using System.Threading.Channels;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The terminal the shell talks to: a Spectre console for output and a stream of key presses. The real one is
/// <see cref="SystemTerminal"/>; tests pass a virtual console and scripted keys.
/// </summary>
internal interface IShellTerminal
{
    /// <summary>All output goes through this console (it must understand ANSI sequences).</summary>
    IAnsiConsole Console { get; }

    /// <summary>Key presses and pastes, in order; Ctrl-C arrives as a key (C with <see cref="ConsoleModifiers.Control"/>).</summary>
    ChannelReader<KeyInput> Keys { get; }

    /// <summary>
    /// After a Ctrl-G the real terminal stops reading keys (an external editor is about to take the terminal); this lets
    /// it read again. Scripted terminals need not pause.
    /// </summary>
    void ResumeKeys()
    {
    }
}

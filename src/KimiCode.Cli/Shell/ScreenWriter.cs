using System.Text;

namespace KimiCode.Cli.Shell;

/// <summary>A <see cref="TextWriter"/> whose lines go to the screen (above the live region): commands reused from
/// the command line (login, logout) print through it.</summary>
internal sealed class ScreenWriter(ShellScreen screen) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                screen.Line(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    public override void Flush()
    {
    }

    /// <summary>Writes a line left without its line break.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
            {
                screen.Line(_line.ToString());
                _line.Clear();
            }
        }
    }
}

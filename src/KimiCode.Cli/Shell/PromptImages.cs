using System.Text;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using Microsoft.Extensions.AI;

namespace KimiCode.Cli.Shell;

/// <summary>The pictures a shell prompt names, or why one cannot be attached.</summary>
/// <param name="Images">Each named image once, in prompt order.</param>
/// <param name="Error">The first image that cannot be sent (too big, damaged, unreadable); null when all can.</param>
/// <param name="Explicit">True when one was named with <c>@</c> (the user asked for it), not merely a path in the text.</param>
internal sealed record PromptImages(IReadOnlyList<DataContent> Images, string? Error, bool Explicit)
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".gif", ".webp"];

    /// <summary>True when the prompt names no image.</summary>
    public bool None => Images.Count == 0 && Error is null;

    /// <summary>
    /// Finds the images <paramref name="prompt"/> names: <c>@path</c> (any file that is an image by its content), and
    /// a path ending in .png, .jpg, .jpeg, .gif or .webp that exists, as typed or as a terminal pastes a dragged file
    /// (quoted, with <c>\ </c> escapes, or as a <c>file://</c> URL). Relative paths resolve against
    /// <paramref name="workDir"/>, <c>~/</c> against <paramref name="userHome"/>. The prompt text itself is kept as
    /// typed: the model also reads the names.
    /// </summary>
    public static PromptImages Find(string prompt, string workDir, string? userHome, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var images = new List<DataContent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool isExplicit = false;
        foreach ((string raw, bool at) in Words(prompt))
        {
            string? path = Resolve(raw, workDir, userHome);
            if (path is null || !File.Exists(path) || (!at && !HasImageExtension(path)) || !seen.Add(path))
            {
                continue;
            }

            LoadedImage loaded = ImageAttachment.Load(path, raw, limits);
            if (loaded.NotAnImage && at)
            {
                continue; // @notes.txt: a file mention, for the model to Read
            }

            isExplicit |= at;
            if (loaded.Image is not { } image)
            {
                return new PromptImages(images, loaded.Error, isExplicit);
            }

            images.Add(image);
        }

        return new PromptImages(images, null, isExplicit);
    }

    /// <summary>The absolute paths the <c>@</c> words of <paramref name="prompt"/> name (resolved as <see cref="Find"/> does; existence not checked).</summary>
    public static IEnumerable<string> Mentioned(string prompt, string workDir, string? userHome) =>
        Words(prompt).Where(static w => w.At).Select(w => Resolve(w.Word, workDir, userHome)).OfType<string>();

    /// <summary>Whitespace-separated words; <c>'…'</c> and <c>"…"</c> group, <c>\</c> escapes the next character; a leading <c>@</c> is reported, not kept.</summary>
    private static IEnumerable<(string Word, bool At)> Words(string prompt)
    {
        var word = new StringBuilder();
        bool at = false;
        bool any = false;
        char quote = '\0';
        for (int i = 0; i <= prompt.Length; i++)
        {
            char c = i < prompt.Length ? prompt[i] : ' ';
            if (quote != '\0' && i < prompt.Length)
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (any)
                {
                    yield return (word.ToString(), at);
                }

                word.Clear();
                at = false;
                any = false;
                continue;
            }

            if (!any && c == '@')
            {
                at = true;
                any = true;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                any = true;
            }
            else if (c == '\\' && i + 1 < prompt.Length && !OperatingSystem.IsWindows())
            {
                word.Append(prompt[++i]);
                any = true;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
    }

    private static string? Resolve(string raw, string workDir, string? userHome)
    {
        string path = raw.TrimEnd(',', '.', ';', ':', '!', '?', ')');
        if (path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(path, UriKind.Absolute, out Uri? uri))
        {
            path = uri.LocalPath;
        }
        else if (userHome is { Length: > 0 })
        {
            path = KimiHome.ExpandTilde(path, userHome);
        }

        if (path.Length == 0 || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return null;
        }

        try
        {
            return Path.GetFullPath(path, workDir);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    private static bool HasImageExtension(string path) =>
        ImageExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}

using KimiCode.Auth;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Commands;

/// <summary>The human wording of a login, shared by <c>kimi login</c> and the shell's <c>/login</c>.</summary>
internal static class DeviceLoginText
{
    /// <summary>The link and code to confirm; opens the link with <paramref name="openBrowser"/> when given (null: <c>--no-browser</c>).</summary>
    public static void WriteCode(TextWriter human, DeviceAuthorization auth, Func<string, bool>? openBrowser)
    {
        human.WriteLine($"To log in, open {auth.VerificationUriComplete}");
        human.WriteLine($"and confirm the code {auth.UserCode} (valid for {(int)auth.ExpiresIn.TotalMinutes} minutes).");
        if (openBrowser is not null && !openBrowser(auth.VerificationUriComplete))
        {
            human.WriteLine("(No browser could be opened; open the link yourself.)");
        }

        human.Flush();
    }

    public static async Task WriteLoggedInAsync(TextWriter human, LoginOutcome outcome)
    {
        await human.WriteLineAsync($"Logged in ({outcome.Provider}). Models: {string.Join(", ", outcome.Models)}.").ConfigureAwait(false);
        await human.WriteLineAsync($"Default model: {outcome.DefaultModel}. Saved to {outcome.SavedTo}.").ConfigureAwait(false);
    }

    public static string LoggedOut(LogoutOutcome outcome) => outcome.RemovedAnything
        ? "Logged out of Kimi Code. Run `kimi login` to sign in again."
        : "Not logged in to Kimi Code; nothing to remove.";
}

using KimiCode.Auth;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Commands;

/// <summary>The human wording of a login, shared by <c>kimi login</c> and the shell's <c>/login</c>.</summary>
internal static class DeviceLoginText
{
    public static void WriteCode(TextWriter human, DeviceAuthorization auth)
    {
        human.WriteLine($"To log in, open {auth.VerificationUriComplete}");
        human.WriteLine($"and confirm the code {auth.UserCode} (valid for {(int)auth.ExpiresIn.TotalMinutes} minutes).");
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

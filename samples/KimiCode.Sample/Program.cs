// Streams one answer from Kimi Code (or any OpenAI-compatible endpoint) through the plain IChatClient interface.
// Usage: KIMI_API_KEY=sk-... dotnet run --project samples/KimiCode.Sample -- [--base-url URL] [--model ID] "prompt"
using KimiCode.Provider;
using Microsoft.Extensions.AI;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string prompt = args.Length % 2 == 1 ? args[^1] : "Say hello in one sentence."; // options come in pairs; the prompt is last
if (Environment.GetEnvironmentVariable("KIMI_API_KEY") is not { Length: > 0 } apiKey)
{
    Console.Error.WriteLine("Set KIMI_API_KEY to your Kimi Code API key.");
    return 2;
}

using IChatClient client = new KimiChatClient(new KimiProviderOptions
{
    BaseUrl = new Uri(Option("--base-url") ?? Environment.GetEnvironmentVariable("KIMI_BASE_URL") ?? "https://api.kimi.com/coding/v1"),
    Model = Option("--model") ?? "kimi-for-coding",
    Tokens = new StaticTokenSource(apiKey),
    IdentityHeaders = [new("X-Msh-Platform", "kimi_cli")], // the coding API admits known coding agents only
});
try
{
    await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(prompt))
    {
        Console.Write(update.Text);
    }

    Console.WriteLine();
    return 0;
}
catch (ProviderException ex)
{
    Console.Error.WriteLine($"{ex.Code}: {ex.Message}"); // one line that says what to do, never a stack trace
    return 1;
}

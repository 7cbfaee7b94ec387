// Streams one answer from a Kimi (or OpenAI-compatible) endpoint through the plain IChatClient interface.
// Usage: KIMI_API_KEY=sk-... dotnet run --project samples/KimiCode.Sample -- [--base-url URL] [--model ID] "prompt"
using KimiCode.Provider;
using Microsoft.Extensions.AI;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string baseUrl = Option("--base-url") ?? Environment.GetEnvironmentVariable("KIMI_BASE_URL") ?? "https://api.kimi.com/coding/v1";
string model = Option("--model") ?? "kimi-for-coding";
string prompt = args.Length > 0 && !args[^1].StartsWith("--", StringComparison.Ordinal) ? args[^1] : "Say hello in one sentence.";
if (Environment.GetEnvironmentVariable("KIMI_API_KEY") is not { Length: > 0 } apiKey)
{
    await Console.Error.WriteLineAsync("Set KIMI_API_KEY to an API key.");
    return 2;
}

#pragma warning disable CA1859 // The point of the sample is the provider-neutral IChatClient interface.
using IChatClient client = new KimiChatClient(new KimiProviderOptions { BaseUrl = new Uri(baseUrl), Model = model, Tokens = new StaticTokenSource(apiKey) });
#pragma warning restore CA1859
try
{
    await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)]))
    {
        Console.Write(update.Text);
    }

    Console.WriteLine();
    return 0;
}
catch (ProviderException ex)
{
    await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}");
    return 1;
}

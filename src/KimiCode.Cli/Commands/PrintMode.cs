using KimiCode.Auth;
using KimiCode.Cli.Composition;
using KimiCode.Config;
using KimiCode.Protocol;
using KimiCode.Provider;
using Microsoft.Extensions.AI;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi -p</c>: one prompt, the answer on stdout, progress on stderr only when it is a terminal.</summary>
internal static class PrintMode
{
    public sealed record Options(string? Prompt, string? Model);

    public static async Task<int> RunAsync(CliEnvironment env, Options options, CancellationToken cancellationToken)
    {
        var prompt = options.Prompt;
        if (string.IsNullOrWhiteSpace(prompt) && env.InputRedirected)
        {
            prompt = await env.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new KimiCodeException("cli.usage", "No prompt. Pass one with `kimi -p \"...\"` or pipe it on stdin.");
        }

        var config = new ConfigStore(env.Home, env.GetVariable).LoadEffective();
        var problems = config.Validate();
        if (problems.Count > 0)
        {
            throw new KimiCodeException("config.invalid", problems[0]);
        }

        var credential = new CredentialResolver(env.Home).Resolve(config, options.Model);
        using var factory = new ModelClientFactory(env);
        var progress = env.ErrorIsTerminal ? env.Error : null;
        var chat = factory.CreateChatClient(config, credential);
        var wroteText = false;
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent text when text.Text.Length > 0:
                        await env.Out.WriteAsync(text.Text).ConfigureAwait(false);
                        wroteText = true;
                        break;
                    case RetryNotice retry when progress is not null:
                        await progress.WriteLineAsync($"retrying in {Math.Ceiling(retry.Delay.TotalSeconds)} s ({retry.StatusCode?.ToString() ?? retry.Code})").ConfigureAwait(false);
                        break;
                }
            }
        }

        if (wroteText)
        {
            await env.Out.WriteLineAsync().ConfigureAwait(false);
        }

        await env.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

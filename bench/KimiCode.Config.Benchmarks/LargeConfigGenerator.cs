using System.Globalization;
using System.Text;

namespace KimiCode.Config.Benchmarks;

/// <summary>Builds a realistic config-shaped TOML document of about the requested size.</summary>
public static class LargeConfigGenerator
{
    public static string Generate(int targetBytes)
    {
        var builder = new StringBuilder(targetBytes + 4096);
        builder.Append("# kimi config.toml, generated for benchmarking\n")
            .Append("default_model = \"kimi-code/kimi-for-coding\"\n\n")
            .Append("[thinking]\nenabled = true\n\n")
            .Append("[loop_control]\nmax_steps_per_turn = 100\nmax_retries_per_step = 3\n");
        for (var i = 0; builder.Length < targetBytes; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            builder.Append("\n# provider ").Append(n).Append(": an OpenAI-compatible endpoint\n")
                .Append("[providers.\"managed:provider-").Append(n).Append("\"]\n")
                .Append("type = \"openai\"\n")
                .Append("api_key = \"sk-").Append(n).Append("abcdefghijklmnopqrstuvwxyz\"\n")
                .Append("base_url = \"https://api").Append(n).Append(".example.com/v1\"   # trailing comment\n")
                .Append("custom_headers = { \"X-Msh-Platform\" = \"kimi_cli\", X-Trace = 'on' }\n")
                .Append("env = { HTTPS_PROXY = \"http://proxy.local:3128\" }\n\n")
                .Append("[providers.\"managed:provider-").Append(n).Append("\".oauth]\n")
                .Append("storage = \"file\"\nkey = \"oauth/kimi-code-").Append(n).Append("\"\noauth_host = \"https://auth.kimi.com\"\n\n")
                .Append("[models.\"provider-").Append(n).Append("/kimi-for-coding\"]\n")
                .Append("provider = \"managed:provider-").Append(n).Append("\"\n")
                .Append("model = \"kimi-for-coding\"\n")
                .Append("max_context_size = 262_144\n")
                .Append("temperature = 0.6\n")
                .Append("capabilities = [ \"thinking\", \"tool_use\", \"image_in\" ]\n")
                .Append("updated = 2026-11-24T18:00:00Z\n")
                .Append("description = \"\"\"\nA multi-line description with an escape \\u00e9\nand a second line.\"\"\"\n")
                .Append("\n[[permissions.rules]]\nmatch = 'bash(git *)'\nallow = true\n");
        }

        return builder.ToString();
    }
}

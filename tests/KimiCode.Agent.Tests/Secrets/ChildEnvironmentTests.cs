using System.Diagnostics;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tests.Tools;
using KimiCode.Agent.Tools;
using KimiCode.Testing;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Secrets;

public sealed class ChildEnvironmentTests
{
    [Fact]
    public void ApplyTo_RemovesCredentialsAndKimiOverridesButKeepsTheRest()
    {
        var environment = new ChildEnvironment(removed: ["OPENAI_API_KEY"]);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["KIMI_API_KEY"] = "sk-live",
            ["KIMI_CODE_BASE_URL"] = "http://127.0.0.1:1/coding/v1",
            ["KIMI_CODE_OAUTH_HOST"] = "http://127.0.0.1:1",
            ["KIMI_CODE_SOMETHING_NEW"] = "x",
            ["KIMI_OAUTH_HOST"] = "http://127.0.0.1:1",
            ["KIMI_BASE_URL"] = "http://127.0.0.1:1",
            ["OPENAI_API_KEY"] = "sk-openai",
            ["KIMI_CODE_HOME"] = "/home/me/.kimi-code",
            ["PATH"] = "/usr/bin",
            ["HOME"] = "/home/me",
        };

        environment.ApplyTo(variables);

        Assert.Equal(["HOME", "KIMI_CODE_HOME", "PATH"], variables.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApplyTo_PassEnvKeepsTheNamedVariablesOnly()
    {
        var environment = new ChildEnvironment(removed: ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"], passed: ["OPENAI_API_KEY", "KIMI_CODE_BASE_URL"]);
        var start = new ProcessStartInfo();
        start.Environment.Clear();
        start.Environment["OPENAI_API_KEY"] = "a";
        start.Environment["ANTHROPIC_API_KEY"] = "b";
        start.Environment["KIMI_CODE_BASE_URL"] = "c";
        start.Environment["KIMI_API_KEY"] = "d";

        environment.ApplyTo(start);

        Assert.Equal(["KIMI_CODE_BASE_URL", "OPENAI_API_KEY"], start.Environment.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NamesToBlank_ListsFixedConfiguredAndPresentKimiCodeNames()
    {
        var environment = new ChildEnvironment(removed: ["OPENAI_API_KEY"], passed: ["KIMI_MODEL_NAME"]);

        var names = environment.NamesToBlank(new System.Collections.Hashtable { ["KIMI_CODE_OAUTH_HOST"] = "x", ["KIMI_CODE_HOME"] = "y", ["PATH"] = "z" });

        Assert.Equal(["KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_CODE_OAUTH_HOST", "KIMI_OAUTH_HOST", "KIMI_WEB_FETCH_API_KEY", "KIMI_WEB_SEARCH_API_KEY", "OPENAI_API_KEY"], names);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task LocalCommandRunner_CommandDoesNotSeeRemovedVariables()
    {
        using var workspace = new ToolTestWorkspace();
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var configured = "TEST_PROVIDER_KEY_" + suffix;
        var kimiCode = "KIMI_CODE_TEST_" + suffix;
        var kept = "KIMI_TEST_KEPT_" + suffix;
        Environment.SetEnvironmentVariable(configured, "hunter2-hunter2");
        Environment.SetEnvironmentVariable(kimiCode, "hunter3-hunter3");
        Environment.SetEnvironmentVariable(kept, "visible");
        try
        {
            var runner = new LocalCommandRunner();
            var request = new CommandRequest($"echo \"[${configured}][${kimiCode}][${kept}]\"; env | grep -c 'hunter' || true", workspace.WorkingDirectory, TimeSpan.FromMinutes(1), 10_000)
            {
                Environment = new ChildEnvironment(removed: [configured]),
            };

            var result = await runner.RunAsync(request, null, TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

            Assert.Equal("[][][visible]\n0\n", result.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(configured, null);
            Environment.SetEnvironmentVariable(kimiCode, null);
            Environment.SetEnvironmentVariable(kept, null);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task BashTool_UsesTheContextsEnvironment()
    {
        using var workspace = new ToolTestWorkspace();
        var name = "KIMI_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, "hunter2-hunter2");
        try
        {
            var context = new ToolContext
            {
                WorkingDirectory = workspace.WorkingDirectory,
                Files = new LocalWorkspaceFileSystem(),
                Commands = new LocalCommandRunner(),
                ChildEnvironment = new ChildEnvironment(removed: [name]),
            };
            var result = await new BashTool().RunAsync(Args(("command", $"echo \"[${name}]\"")), context);

            Assert.DoesNotContain("hunter2", result.Content, StringComparison.Ordinal);
            Assert.Contains("[]", result.Content, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}

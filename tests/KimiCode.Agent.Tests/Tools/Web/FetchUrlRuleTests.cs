using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.PermissionTests;
using KimiCode.Agent.Tools;
using KimiCode.Agent.Tools.Web;
using KimiCode.Protocol;

namespace KimiCode.Agent.Tests.Tools.Web;

/// <summary><c>FetchURL(domain:…)</c> and <c>FetchURL(url-glob)</c> rules, against respelt URLs a hostile model might write.</summary>
public sealed class FetchUrlRuleTests
{
    private static StubCall Fetch(string url)
    {
        Assert.True(WebUrl.TryParse(url, out var parsed, out var error), error);
        return new StubCall { Title = "t", Kind = ToolKind.Fetch, Action = PermissionAction.Network, Subject = parsed.Canonical };
    }

    private static PermissionDecision Decide(string url, params (string Pattern, PermissionDecision Decision)[] rules)
        => new PermissionPolicy(PermissionMode.Default, [.. rules.Select(r => PermissionRule.Parse(r.Pattern, r.Decision))], "/work/project", [])
            .Evaluate("FetchURL", Fetch(url)).Decision;

    [Theory]
    [InlineData("https://evil.com/x")]
    [InlineData("https://EVIL.COM./x")]
    [InlineData("https://evil.com:443/x")]
    [InlineData("http://api.evil.com/")]
    [InlineData("HTTPS://Deep.Sub.Evil.Com/a?b=c")]
    public void Evaluate_DomainDenyRule_CatchesEveryRespelling(string url)
        => Assert.Equal(PermissionDecision.Deny, Decide(url, ("FetchURL(domain:evil.com)", PermissionDecision.Deny)));

    [Theory]
    [InlineData("https://notevil.com/")]
    [InlineData("https://evil.com.attacker.net/")]
    [InlineData("https://example.com/?next=evil.com")]
    public void Evaluate_DomainDenyRule_LeavesOtherHostsAlone(string url)
        => Assert.Equal(PermissionDecision.Allow, Decide(url, ("FetchURL(domain:evil.com)", PermissionDecision.Deny)));

    [Theory]
    [InlineData("https://docs.x.com/guide", PermissionDecision.Deny)]
    [InlineData("https://DOCS.X.COM/guide/deep?q=1", PermissionDecision.Deny)]
    [InlineData("https://docs.x.com.evil.net/guide", PermissionDecision.Allow)]
    [InlineData("http://docs.x.com/guide", PermissionDecision.Allow)]
    public void Evaluate_UrlGlobRule_MatchesTheCanonicalUrl(string url, PermissionDecision expected)
        => Assert.Equal(expected, Decide(url, ("FetchURL(https://Docs.X.com/*)", PermissionDecision.Deny)));

    [Fact]
    public void Evaluate_QuestionMarkInUrlRule_IsALiteralQuery()
    {
        Assert.Equal(PermissionDecision.Deny, Decide("https://x.com/page?id=1", ("FetchURL(https://x.com/page?id=1)", PermissionDecision.Deny)));
        Assert.Equal(PermissionDecision.Allow, Decide("https://x.com/pageXid=1", ("FetchURL(https://x.com/page?id=1)", PermissionDecision.Deny)));
    }

    [Fact]
    public void Evaluate_BareWebToolRules_ApplyToEveryCall()
    {
        Assert.Equal(PermissionDecision.Deny, Decide("https://example.com/", ("FetchURL", PermissionDecision.Deny)));
        Assert.Equal(PermissionDecision.Ask, Decide("https://example.com/", ("FetchURL(domain:example.com)", PermissionDecision.Ask)));
    }

    [Theory]
    [InlineData("FetchURL(domain:)")]
    [InlineData("FetchURL(domain:https://x.com)")]
    [InlineData("FetchURL(domain:x.com/path)")]
    public void Parse_BadDomainPattern_OneLineErrorSaysWhatToWrite(string rule)
    {
        var ex = Assert.Throws<KimiCodeException>(() => PermissionRule.Parse(rule, PermissionDecision.Allow));

        Assert.Contains("after 'domain:' give a host name such as example.com", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}

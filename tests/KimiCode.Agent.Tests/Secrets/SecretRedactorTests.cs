using KimiCode.Agent.Secrets;

namespace KimiCode.Agent.Tests.Secrets;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Redact_ReplacesEveryOccurrenceOfEverySecret()
    {
        var redactor = new SecretRedactor(() => ["sk-live-0123456789", "eyJ.access.token"]);

        var text = redactor.Redact("KIMI_API_KEY=sk-live-0123456789\nBearer eyJ.access.token and sk-live-0123456789 again");

        Assert.Equal("KIMI_API_KEY=[redacted]\nBearer [redacted] and [redacted] again", text);
    }

    [Fact]
    public void Redact_ShortAndBlankValuesAreNotSecrets()
    {
        var redactor = new SecretRedactor(() => ["1234567", "        ", null, string.Empty]);

        Assert.Equal("pin 1234567, spaces         here", redactor.Redact("pin 1234567, spaces         here"));
    }

    [Fact]
    public void Redact_LongerSecretContainingAShorterOneIsReplacedWhole()
    {
        var redactor = new SecretRedactor(() => ["abcdefgh", "xxabcdefghyy"]);

        Assert.Equal("[redacted] [redacted]", redactor.Redact("xxabcdefghyy abcdefgh"));
    }

    [Fact]
    public void Redact_RotatedTokens_NewOnesAreSeenAndOldOnesStayRedacted()
    {
        var current = new List<string> { "access-token-one", "refresh-token-one" };
        var redactor = new SecretRedactor(() => current);
        Assert.Equal("[redacted]", redactor.Redact("access-token-one"));

        current = ["access-token-two", "refresh-token-two"];

        Assert.Equal(
            "[redacted] [redacted] [redacted] [redacted]",
            redactor.Redact("access-token-two refresh-token-two access-token-one refresh-token-one"));
    }

    [Fact]
    public void Redact_SourceThatFails_KeepsTheSecretsItKnows()
    {
        var fail = false;
        var redactor = new SecretRedactor(() => fail ? throw new IOException("credential file locked") : ["secret-value-1"]);
        redactor.Redact(string.Empty);
        fail = true;

        Assert.Equal("[redacted]", redactor.Redact("secret-value-1"));
    }

    [Fact]
    public void Stream_SecretSplitAcrossPieces_NeverShownInPart()
    {
        const string secret = "sk-split-secret-42";
        var redactor = new SecretRedactor(() => [secret]);
        var stream = redactor.BeginStream();
        var shown = new List<string>();

        foreach (var piece in new[] { "key is sk-sp", "lit-sec", "ret-42 and more sk-", "not-it" })
        {
            shown.Add(stream.Push(piece));
        }

        shown.Add(stream.Flush());

        Assert.All(shown, s => Assert.DoesNotContain("sk-sp", s, StringComparison.Ordinal));
        Assert.Equal("key is [redacted] and more sk-not-it", string.Concat(shown));
    }

    [Fact]
    public void Stream_EveryPossibleSplit_ShowsNoPartOfTheSecretLongerThanAFewChars()
    {
        const string secret = "tok-0123456789abcdef";
        const string text = "before tok-0123456789abcdef after";
        var redactor = new SecretRedactor(() => [secret]);
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var stream = redactor.BeginStream();
            var first = stream.Push(text[..cut]);
            var second = stream.Push(text[cut..]);
            var rest = stream.Flush();

            Assert.Equal("before [redacted] after", first + second + rest);
            Assert.DoesNotContain("tok-0", first, StringComparison.Ordinal);
        }
    }
}

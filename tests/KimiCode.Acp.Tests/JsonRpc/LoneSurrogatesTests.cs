using System.Text;
using KimiCode.Acp.JsonRpc;

namespace KimiCode.Acp.Tests.JsonRpc;

public sealed class LoneSurrogatesTests
{
    [Theory]
    [InlineData("""{"t":"a\ud800b"}""", """{"t":"a\ufffdb"}""")]
    [InlineData("""{"t":"\uDC00"}""", """{"t":"\ufffd"}""")]
    [InlineData("""{"t":"\ud800\ud800\ude00"}""", """{"t":"\ufffd\ud800\ude00"}""")]
    [InlineData("""{"t":"\ude00\ud83d"}""", """{"t":"\ufffd\ufffd"}""")]
    [InlineData("""{"t":"x\ud800"}""", """{"t":"x\ufffd"}""")]
    [InlineData("""{"t":"\ud83d\ude00"}""", """{"t":"\ud83d\ude00"}""")]
    [InlineData("""{"t":"\\ud800"}""", """{"t":"\\ud800"}""")]
    [InlineData("""{"t":"\\\ud800"}""", """{"t":"\\\ufffd"}""")]
    [InlineData("""{"t":"\u00e9\n\"\ud8"}""", """{"t":"\u00e9\n\"\ud8"}""")]
    [InlineData("""{"t":"plain"}""", """{"t":"plain"}""")]
    public void Replace_LoneSurrogateEscapes_BecomeReplacementCharacterAndNothingElseChanges(string input, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);

        ReadOnlyMemory<byte> result = LoneSurrogates.Replace(bytes);

        Assert.Equal(expected, Encoding.UTF8.GetString(result.Span));
        Assert.Equal(input, Encoding.UTF8.GetString(bytes)); // the caller's buffer is never written
    }
}

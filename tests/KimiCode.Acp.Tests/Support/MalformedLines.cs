using System.Globalization;
using System.Text;

namespace KimiCode.Acp.Tests.Support;

/// <summary>One malformed line and the error it must get: the JSON-RPC code and the id (raw JSON, <c>null</c> when none can be known).</summary>
internal sealed record MalformedLine(string Kind, byte[] Bytes, int ExpectedCode, string ExpectedId)
{
    public override string ToString() => $"{Kind}: {Encoding.UTF8.GetString(Bytes)}";
}

/// <summary>
/// Deterministic fuzzing of the transport: every line is broken in one known way (not JSON, not UTF-8, too deep,
/// not a request, wrong id/method/params types, unknown method, params that do not fit the method), so each must
/// be answered with exactly one error whose code and id are known in advance. None is a notification.
/// </summary>
internal static class MalformedLines
{
    private const string Valid = """{"jsonrpc":"2.0","id":1,"method":"session/prompt","params":{"sessionId":"s","prompt":[{"type":"text","text":"hi"}]}}""";

    private static readonly (string Method, string Params)[] BadParams =
    [
        ("session/prompt", """{"sessionId":123,"prompt":[]}"""),
        ("session/prompt", """{"sessionId":"s"}"""),
        ("session/prompt", """{"sessionId":"s","prompt":"just text"}"""),
        ("session/prompt", """{"sessionId":"s","prompt":[{"type":"bogus","text":"x"}]}"""),
        ("session/prompt", """{"sessionId":"s","prompt":[{"text":"no type"}]}"""),
        ("session/prompt", "[]"),
        ("session/new", """{"cwd":5,"mcpServers":[]}"""),
        ("session/new", """{"cwd":"relative/path","mcpServers":[]}"""),
        ("session/new", """{"cwd":"/tmp","mcpServers":"none"}"""),
        ("session/set_mode", """{"sessionId":"s"}"""),
        ("session/set_config_option", """{"sessionId":"s","configId":"mode"}"""),
        ("authenticate", "{}"),
        ("authenticate", """{"methodId":null}"""),
        ("session/load", """{"sessionId":[],"cwd":"/","mcpServers":[]}"""),
        ("session/list", """{"cursor":17}"""),
        ("session/cancel_all", "{}"),
    ];

    public static List<MalformedLine> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var lines = new List<MalformedLine>(count);
        for (int i = 0; i < count; i++)
        {
            lines.Add(Make(random, i % 15));
        }

        return lines;
    }

    private static MalformedLine Make(Random random, int kind)
    {
        (string idRaw, string idJson) = RandomId(random);
        switch (kind)
        {
            case 0:
                return Text("truncated", Valid[..random.Next(1, Valid.Length - 1)], -32700, "null");
            case 1:
                return Text("garbage", "@" + RandomWord(random, random.Next(1, 40), "abcdefghijklmnopqrstuvwxyz0123456789{}[]:,\" "), -32700, "null");
            case 2:
                string[] scalars = ["42", "-1.5e3", "\"a string\"", "true", "false", "null"];
                return Text("scalar", scalars[random.Next(scalars.Length)], -32600, "null");
            case 3:
                var batch = new StringBuilder("[");
                int items = random.Next(0, 4);
                for (int i = 0; i < items; i++)
                {
                    batch.Append(i > 0 ? "," : "").Append(Valid);
                }

                return Text("batch", batch.Append(']').ToString(), -32600, "null");
            case 4:
                string[] versions = ["", "\"jsonrpc\":\"1.0\",", "\"jsonrpc\":2,", "\"jsonrpc\":null,"];
                return Text("version", "{" + versions[random.Next(versions.Length)] + "\"id\":" + idJson + ",\"method\":\"session/list\",\"params\":{}}", -32600, idRaw);
            case 5:
                string[] badIds = ["{}", "[1]", "true", "null", "{\"n\":1}"];
                return Text("id-type", "{\"jsonrpc\":\"2.0\",\"id\":" + badIds[random.Next(badIds.Length)] + ",\"method\":\"session/list\"}", -32600, "null");
            case 6:
                string[] badMethods = ["7", "[]", "null", "{\"name\":\"x\"}", "false"];
                return Text("method-type", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":" + badMethods[random.Next(badMethods.Length)] + "}", -32600, idRaw);
            case 7:
                string[] scalarParams = ["\"text\"", "12", "true", "null"];
                return Text("params-type", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"session/prompt\",\"params\":" + scalarParams[random.Next(scalarParams.Length)] + "}", -32600, idRaw);
            case 8:
                string method = random.Next(2) == 0 ? "_x-" + RandomWord(random, 6, "abcdefghij") + "/probe" : "x-" + RandomWord(random, 8, "abcdefghij");
                return Text("unknown-method", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + method + "\",\"params\":{}}", -32601, idRaw);
            case 9:
                (string badMethod, string badParams) = BadParams[random.Next(BadParams.Length)];
                int code = badMethod == "session/cancel_all" ? -32601 : -32602;
                return Text("bad-params", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + badMethod + "\",\"params\":" + badParams + "}", code, idRaw);
            case 10:
                string[] shapes = ["", ",\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}"];
                return Text("not-a-message", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + shapes[random.Next(shapes.Length)] + "}", -32600, idRaw);
            case 11:
                byte[] head = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"session/li");
                byte[] invalid = [(byte)(0x80 + random.Next(0x40)), (byte)0xC3, (byte)0x28];
                byte[] tail = Encoding.UTF8.GetBytes("st\"}");
                return new MalformedLine("invalid-utf8", [.. head, .. invalid, .. tail], -32700, "null");
            case 12:
                int depth = random.Next(70, 300);
                return Text("too-deep", new string('[', depth) + new string(']', depth), -32700, "null");
            case 13:
                char control = (char)random.Next(1, 9);
                return Text("control-char", "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"session/" + control + "list\"}", -32700, "null");
            default:
                return Text("trailing", Valid + RandomWord(random, random.Next(1, 5), "x}]1"), -32700, "null");
        }
    }

    private static MalformedLine Text(string kind, string text, int code, string id) => new(kind, Encoding.UTF8.GetBytes(text), code, id);

    private static (string Raw, string Json) RandomId(Random random)
    {
        if (random.Next(2) == 0)
        {
            string number = random.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture);
            return (number, number);
        }

        string text = "\"" + RandomWord(random, random.Next(1, 12), "abcdefghijklmnopqrstuvwxyz0123456789-") + "\"";
        return (text, text);
    }

    private static string RandomWord(Random random, int length, string alphabet)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }
}

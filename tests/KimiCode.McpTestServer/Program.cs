using KimiCode.McpTestServer;
using ModelContextProtocol.Server;

// Modes (first argument): serve (default), exit-at-start, hang, garbage, linger (ignores stdin EOF after serving).
// --pid-file PATH writes this process's id first, so tests can check it is gone afterwards.
string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "serve";
int pidAt = Array.IndexOf(args, "--pid-file");
if (pidAt >= 0 && pidAt + 1 < args.Length)
{
    File.WriteAllText(args[pidAt + 1], Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

switch (mode)
{
    case "exit-at-start":
        Console.Error.WriteLine("fatal: the test server was told to exit at start");
        return 3;
    case "hang":
        // Reads nothing, answers nothing, ignores end-of-file: only a kill ends it.
        Thread.Sleep(Timeout.Infinite);
        return 0;
    case "garbage":
        Console.Out.WriteLine("Welcome to the garbage server! This is not JSON-RPC.");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
        return 0;
}

await using (var server = McpServer.Create(new StdioServerTransport("kimi-test-server"), TestTools.ServerOptions()))
{
    await server.RunAsync();
}
if (mode == "linger")
{
    // A server that outlives its stdin: only the process-group kill ends it.
    Thread.Sleep(Timeout.Infinite);
}

return 0;

using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class ReadMediaFileToolTests
{
    private static readonly ImageLimits Limits = ImageLimits.ForModelReads(2000, 256 * 1024);
    private readonly ReadMediaFileTool _tool = new(Limits);

    public static TheoryData<string, byte[], string, int, int> Formats => new()
    {
        { "png", TestImages.Png(3, 2), "image/png", 3, 2 },
        { "jpeg", TestImages.Jpeg(640, 480), "image/jpeg", 640, 480 },
        { "gif", TestImages.Gif(17, 9), "image/gif", 17, 9 },
        { "webp lossy", TestImages.WebP("VP8 ", 320, 200), "image/webp", 320, 200 },
        { "webp lossless", TestImages.WebP("VP8L", 1000, 16383), "image/webp", 1000, 16383 },
        { "webp extended", TestImages.WebP("VP8X", 4000, 3000), "image/webp", 4000, 3000 },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Probe_EachFormat_ReadsTypeAndSizeFromTheHeader(string name, byte[] bytes, string mediaType, int width, int height)
    {
        var info = ImageProbe.Probe(bytes);

        Assert.NotNull(info);
        Assert.Equal((mediaType, width, height), (info.MediaType, info.Width, info.Height));
        Assert.True(info.HasSize, name);
    }

    [Fact]
    public void Probe_TextAndCutHeaders_NoImageOrNoSize()
    {
        Assert.Null(ImageProbe.Probe("hello, world"u8));
        Assert.Null(ImageProbe.Probe([]));
        var cut = ImageProbe.Probe(TestImages.Png(10, 10).AsSpan(0, 12));
        Assert.Equal(("image/png", false), (cut?.MediaType, cut?.HasSize));
    }

    [Fact]
    public void Prepare_Path_IsAReadOfThatFile()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Args(("path", "shots/../shots/a.png")), workspace.Context);

        Assert.Equal((ToolKind.Read, PermissionAction.Read, "shots/a.png"), (call.Kind, call.Action, call.Subject));
        Assert.Equal([workspace.PathOf("shots/a.png")], call.Locations);
    }

    [Fact]
    public async Task Run_PngNamedTxt_AttachesThePictureRecognisedByContent()
    {
        using var workspace = new ToolTestWorkspace();
        byte[] png = TestImages.Png(3, 2);
        File.WriteAllBytes(workspace.PathOf("picture.txt"), png);

        var result = await _tool.RunAsync(Args(("path", "picture.txt")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        DataContent image = Assert.Single(result.Images);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(png, image.Data.ToArray());
        Assert.Contains("PNG, 3x2 px", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LongerEdgeThanMaxEdge_RefusedNamingBothSizesAndTheKey()
    {
        using var workspace = new ToolTestWorkspace();
        File.WriteAllBytes(workspace.PathOf("wide.png"), TestImages.Png(2001, 1));

        var result = await _tool.RunAsync(Args(("path", "wide.png")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Empty(result.Images);
        Assert.Contains("2001x1 px", result.Content, StringComparison.Ordinal);
        Assert.Contains("2000 px on the longest edge ([image] max_edge_px)", result.Content, StringComparison.Ordinal);
        Assert.Contains("does not downscale", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LargerThanReadByteBudget_RefusedNamingTheBudget()
    {
        using var workspace = new ToolTestWorkspace();
        File.WriteAllBytes(workspace.PathOf("big.png"), TestImages.Png(4, 4, padding: 3000));
        var tool = new ReadMediaFileTool(ImageLimits.ForModelReads(2000, 2048));

        var result = await tool.RunAsync(Args(("path", "big.png")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Empty(result.Images);
        Assert.Contains("4x4 px and 3", result.Content, StringComparison.Ordinal);
        Assert.Contains("2 KB ([image] read_byte_budget)", result.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.png", "not a PNG, JPEG, GIF or WebP image")]
    [InlineData("missing.png", "does not exist")]
    [InlineData("folder", "is a directory")]
    public async Task Run_NotAnImage_ErrorSaysWhatToDo(string path, string expected)
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("notes.png", "plain text wearing an image name\n");
        Directory.CreateDirectory(workspace.PathOf("folder"));

        var result = await _tool.RunAsync(Args(("path", path)), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains(expected, result.Content, StringComparison.Ordinal);
        Assert.Empty(result.Images);
    }

    [Fact]
    public void Evaluate_ReadDenyRule_AlsoDeniesReadMediaFile()
    {
        using var workspace = new ToolTestWorkspace();
        var policy = new PermissionPolicy(PermissionMode.Yolo, [PermissionRule.Parse("Read(secret/**)", PermissionDecision.Deny)], workspace.WorkingDirectory, []);

        var denied = policy.Evaluate(_tool.Name, _tool.PrepareOk(Args(("path", "secret/plan.png")), workspace.Context));
        var allowed = policy.Evaluate(_tool.Name, _tool.PrepareOk(Args(("path", "public/plan.png")), workspace.Context));

        Assert.Equal((PermissionDecision.Deny, PermissionDecision.Allow), (denied.Decision, allowed.Decision));
    }

    [Fact]
    public void Evaluate_ImageOutsideTheWorkspace_Asks()
    {
        using var workspace = new ToolTestWorkspace();
        var policy = new PermissionPolicy(PermissionMode.Default, [], workspace.WorkingDirectory, []);

        var verdict = policy.Evaluate(_tool.Name, _tool.PrepareOk(Args(("path", Path.Combine(workspace.Root, "elsewhere.png"))), workspace.Context));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    [Fact]
    public async Task RunTurn_ReadMediaFile_PictureReachesTheModelAsImageUrlPartOfTheToolMessage()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        byte[] png = TestImages.Png(5, 4);
        File.WriteAllBytes(Path.Combine(h.WorkDir, "shot.png"), png);
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"m1","name":"ReadMediaFile","arguments":{"path":"shot.png"}}]},
              {"text":"A grey square."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync(h.Options(tools: [_tool]));

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "what is in shot.png?");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        JsonElement tool = AgentHarness.Messages(h.ChatRequests()[^1]).Single(m => m.GetProperty("role").GetString() == "tool");
        JsonElement[] parts = [.. tool.GetProperty("content").EnumerateArray()];
        Assert.Equal(["text", "image_url"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Contains("shot.png", parts[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal(200, h.ChatStatuses()[^1]);
    }

    [Fact]
    public async Task Resume_ToolResultWithPicture_ReplaysItAndSendsItAgain()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        byte[] png = TestImages.Png(2, 2);
        File.WriteAllBytes(Path.Combine(h.WorkDir, "shot.png"), png);
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"m1","name":"ReadMediaFile","arguments":{"path":"shot.png"}}]},
              {"text":"Seen."},
              {"text":"Still seen."}
            ]}
            """);
        AgentSession first = await h.CreateSessionAsync(h.Options(tools: [_tool]));
        await AgentHarness.RunAsync(first, "look");
        h.Store.Release(first.Id);

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(tools: [_tool]), first.Id, AgentHarness.Ct);
        List<AgentEvent> replay = await AgentHarness.CollectAsync(resumed.ReplayAsync(AgentHarness.Ct));
        await AgentHarness.RunAsync(resumed, "and now?");

        DataContent image = Assert.Single(Assert.Single(replay.OfType<ToolCallFinished>()).Result.Images);
        Assert.Equal(("image/png", "shot.png"), (image.MediaType, image.Name));
        Assert.Equal(png, image.Data.ToArray());
        JsonElement tool = AgentHarness.Messages(h.ChatRequests()[^1]).Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), tool.GetProperty("content")[1].GetProperty("image_url").GetProperty("url").GetString());
    }
}

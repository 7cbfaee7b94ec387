using System.Text.Json;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.Tests.Schema;

public sealed class WireEnumTests
{
    [Fact]
    public void Enums_WrittenAsTheProtocolStrings()
    {
        Assert.Equal(
            ["end_turn", "max_tokens", "max_turn_requests", "refusal", "cancelled"],
            Enum.GetValues<PromptStopReason>().Select(v => Write(new PromptResponse { StopReason = v }, AcpJsonContext.Default.PromptResponse, "stopReason")));
        Assert.Equal(
            ["allow_once", "allow_always", "reject_once", "reject_always"],
            Enum.GetValues<PermissionOptionKind>().Select(v => Write(new PermissionOption { OptionId = "o", Name = "n", Kind = v }, AcpJsonContext.Default.PermissionOption, "kind")));
        Assert.Equal(
            ["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "switch_mode", "other"],
            Enum.GetValues<ToolCallKind>().Select(v => Write(new PermissionToolCall { ToolCallId = "c", Kind = v }, AcpJsonContext.Default.PermissionToolCall, "kind")));
        Assert.Equal(
            ["pending", "in_progress", "completed", "failed"],
            Enum.GetValues<ToolCallStatus>().Select(v => Write(new PermissionToolCall { ToolCallId = "c", Status = v }, AcpJsonContext.Default.PermissionToolCall, "status")));
        Assert.Equal(
            ["high", "medium", "low"],
            Enum.GetValues<PlanEntryPriority>().Select(v => Write(new PlanEntry { Content = "c", Priority = v, Status = PlanEntryStatus.Pending }, AcpJsonContext.Default.PlanEntry, "priority")));
        Assert.Equal(
            ["pending", "in_progress", "completed"],
            Enum.GetValues<PlanEntryStatus>().Select(v => Write(new PlanEntry { Content = "c", Priority = PlanEntryPriority.Low, Status = v }, AcpJsonContext.Default.PlanEntry, "status")));
        Assert.Equal(
            ["mode", "model", "model_config", "thought_level"],
            Enum.GetValues<ConfigOptionCategory>().Select(v => Write<SessionConfigOption>(new BooleanConfigOption { Id = "i", Name = "n", Category = v, CurrentValue = true }, AcpJsonContext.Default.SessionConfigOption, "category")));
        Assert.Equal("terminal", Write(new AuthMethod { Id = "login", Name = "Log in", Type = AuthMethodType.Terminal }, AcpJsonContext.Default.AuthMethod, "type"));
    }

    [Fact]
    public void Enums_Absent_LeftOut()
    {
        string json = JsonSerializer.Serialize(new PermissionToolCall { ToolCallId = "c" }, AcpJsonContext.Default.PermissionToolCall);

        Assert.Equal("""{"toolCallId":"c"}""", json);
    }

    [Theory]
    [InlineData("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""", PermissionOutcomeKind.Selected)]
    [InlineData("""{"outcome":{"outcome":"cancelled"}}""", PermissionOutcomeKind.Cancelled)]
    public void PermissionOutcome_ProtocolStrings_Read(string json, PermissionOutcomeKind expected)
    {
        Assert.Equal(expected, JsonSerializer.Deserialize(json, AcpJsonContext.Default.RequestPermissionResponse)!.Outcome.Outcome);
    }

    [Theory]
    [InlineData("""{"outcome":{"outcome":0,"optionId":"allow_once"}}""")]
    [InlineData("""{"outcome":{"outcome":"0","optionId":"allow_once"}}""")]
    [InlineData("""{"outcome":{"outcome":"SELECTED","optionId":"allow_once"}}""")]
    [InlineData("""{"outcome":{"outcome":"Selected","optionId":"allow_once"}}""")]
    [InlineData("""{"outcome":{"outcome":"approved","optionId":"allow_once"}}""")]
    public void PermissionOutcome_AnythingElse_Refused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, AcpJsonContext.Default.RequestPermissionResponse));
    }

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string property)
    {
        using JsonDocument document = JsonDocument.Parse(JsonSerializer.Serialize(value, typeInfo));
        return document.RootElement.GetProperty(property).GetString()!;
    }
}

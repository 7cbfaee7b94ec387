namespace KimiCode.Emulator;

/// <summary>How a <see cref="KimiEmulator"/> behaves. Read once at start; later changes go through <see cref="EmulatorState"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>When true, device codes are approved on the first poll (no browser step).</summary>
    public bool AutoApprove { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(900);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromSeconds(900);

    public int PollIntervalSeconds { get; set; } = 5;

    /// <summary>Values of <c>X-Msh-Platform</c> admitted by the coding API.</summary>
    public IList<string> AllowedPlatforms { get; } = ["kimi_cli"];

    /// <summary>API keys accepted as bearer tokens on /coding/v1 and /v1.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>
    /// Characters per streamed piece of thinking, text and tool-call arguments for every turn that does not set its own
    /// <c>chunk_size</c> (default 8). A large value sends each of them in one chunk.
    /// </summary>
    public int ChunkSize { get; set; } = ModelTurn.DefaultChunkSize;

    /// <summary>Optional script file (see docs/emulator.md) loaded at start.</summary>
    public string? ScriptPath { get; set; }

    /// <summary>Clock for token and device-code lifetimes (inject a fake one in tests). Latency and delays use wall-clock time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

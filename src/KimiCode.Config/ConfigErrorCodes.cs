namespace KimiCode.Config;

/// <summary>
/// Every stable <c>config.*</c> error code: config.toml or a setting is wrong, and the message names the file, line
/// and fix. None is worth retrying unchanged. docs/errors.md explains each; a test fails when one is missing there.
/// </summary>
public static class ConfigErrorCodes
{
    /// <summary>config.toml is not valid TOML 1.0 (the message has file:line:column).</summary>
    public const string TomlSyntax = "config.toml_syntax";

    /// <summary>An edit config.toml's layout cannot take without rewriting what the user wrote (e.g. an inline table).</summary>
    public const string EditUnsupported = "config.edit_unsupported";

    /// <summary>A value in config.toml is invalid (wrong type, out of range, not a URL).</summary>
    public const string Invalid = "config.invalid";

    /// <summary>A provider's <c>type</c> is one this client does not speak.</summary>
    public const string UnsupportedProvider = "config.unsupported_provider";

    /// <summary>A model alias that config.toml does not define.</summary>
    public const string UnknownModel = "config.unknown_model";

    /// <summary>No models are configured at all.</summary>
    public const string NoModels = "config.no_models";

    /// <summary>A permission rule or mode in config.toml (or a flag) is malformed.</summary>
    public const string InvalidPermissionRule = "config.invalid_permission_rule";

    /// <summary>Another process held the config.toml edit lock (<c>config.toml.lock</c>) for longer than the wait allows.</summary>
    public const string Locked = "config.locked";
}

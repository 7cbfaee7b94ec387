namespace KimiCode.Config.Toml;

/// <summary>How a table came to exist; TOML's redefinition rules depend on it.</summary>
public enum TomlTableOrigin
{
    /// <summary>Created in code, or implied by a deeper header such as <c>[a.b]</c> for <c>a</c>.</summary>
    Implicit,

    /// <summary>Defined by a <c>[header]</c> or <c>[[header]]</c>.</summary>
    Header,

    /// <summary>Defined by dotted keys (<c>a.b = 1</c> defines <c>a</c>).</summary>
    DottedKeys,

    /// <summary>An inline table <c>{ … }</c>: sealed once written.</summary>
    Inline,
}

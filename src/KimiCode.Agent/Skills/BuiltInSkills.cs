namespace KimiCode.Agent.Skills;

/// <summary>The skills kimi ships with (lowest precedence: a user or project skill of the same name replaces one). Each is also a plain <c>/&lt;name&gt;</c> command.</summary>
public static class BuiltInSkills
{
    /// <summary><c>/init</c>: study the project and write (or bring up to date) <c>AGENTS.md</c> at its root.</summary>
    public static Skill Init { get; } = new()
    {
        Name = "init",
        Description = "Study the project and write or update AGENTS.md, the instructions file coding agents read",
        Type = "flow",
        Source = SkillSource.BuiltIn,
        Body = """
            Study this project and then write what a coding agent needs to know about it to `AGENTS.md` at the project root.

            1. Look around before writing: the top-level layout, the build and package files (for example package.json,
               pyproject.toml, Cargo.toml, *.csproj, go.mod, Makefile), the README and any docs folder, the CI
               configuration, and a few representative source and test files.
            2. Work out the technology stack, how to build, run and test the project (the exact commands), how the code is
               organised into modules, and the conventions the code follows (naming, formatting, error handling, tests).
            3. If `AGENTS.md` already exists, read it first. Keep what is still true, correct what is not, and add what is
               missing, so the result is one coherent, current file: rewrite it, do not append to it.

            Write for a reader who knows nothing about the project. State only what you found in the project itself, not
            general advice or guesses. Use the language the project's own comments and documentation are written in.
            Sections that usually help: project overview, build and test commands, code layout, code style, testing,
            security notes. Keep it short enough to be read at the start of every session.
            """,
    };

    /// <summary>Every built-in skill.</summary>
    public static IReadOnlyList<Skill> All { get; } = [Init];
}

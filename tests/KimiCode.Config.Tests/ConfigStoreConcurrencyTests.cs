namespace KimiCode.Config.Tests;

public sealed class ConfigStoreConcurrencyTests
{
    [Fact]
    public void Update_FileChangedByAnotherWriterDuringEdit_RedoesEditOnNewText()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, "[thinking]\nenabled = false\n");
        var runs = 0;

        store.Update(editor =>
        {
            if (runs++ == 0)
            {
                // Simulates the Node client saving between our read and our write.
                File.WriteAllText(store.Home.ConfigFile, "default_model = \"theirs\"\n\n[thinking]\nenabled = false\n");
            }

            editor.Set(["thinking", "enabled"], true);
        });

        Assert.Equal(2, runs);
        Assert.Equal("default_model = \"theirs\"\n\n[thinking]\nenabled = true\n", File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void Update_NoChange_DoesNotCreateFile()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(Path.Combine(temp.Path, "home")), _ => null);

        Assert.False(store.RemoveProvider("nothing"));
        Assert.Equal(0, store.RemoveModelsOfProvider("nothing"));

        Assert.False(Directory.Exists(store.Home.Root));
    }
}

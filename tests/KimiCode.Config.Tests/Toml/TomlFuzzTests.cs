using System.Text;
using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests.Toml;

/// <summary>Seeded (deterministic) random inputs: writer round-trips and parser robustness.</summary>
public sealed class TomlFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Write_RandomTrees_ParseBackToEqualTrees(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var tree = RandomTable(random, depth: 0);

            var text = TomlWriter.Write(tree);
            var reparsed = TomlDocument.Parse(text);

            AssertSameTree(tree, reparsed, text);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Parse_MutatedSuiteFiles_OnlyEverThrowTomlException(int seed)
    {
        var random = new Random(seed);
        var files = TestPaths.ListedCases("valid/").Select(f => File.ReadAllText(Path.Combine(TestPaths.TomlTestRoot, f))).ToList();
        const string alphabet = "[]{}=.,\"'#\n\r\t \\0123456789aefintrux+-_:TZz";
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder(files[random.Next(files.Count)]);
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits && text.Length > 0; e++)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            try
            {
                TomlDocument.Parse(text.ToString());
            }
            catch (TomlException)
            {
            }
        }
    }

    private static TomlTable RandomTable(Random random, int depth)
    {
        var table = new TomlTable();
        var count = random.Next(0, depth == 0 ? 6 : 4);
        for (var i = 0; i < count; i++)
        {
            table[RandomString(random)] = RandomValue(random, depth + 1);
        }

        return table;
    }

    private static object RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth > 3 ? 6 : 9);
        return kind switch
        {
            0 => RandomString(random),
            1 => random.NextInt64(long.MinValue, long.MaxValue),
            2 => random.Next(4) == 0 ? double.NaN : BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsNaN(d) ? 0.5 : d,
            3 => random.Next(2) == 0,
            4 => new TomlDateTime((TomlDateTimeKind)random.Next(4), new DateOnly(random.Next(1, 10000), random.Next(1, 13), random.Next(1, 29)), new TimeOnly(random.NextInt64(TimeSpan.TicksPerDay)), random.Next(-1439, 1440)),
            5 => RandomString(random),
            6 => RandomTable(random, depth),
            7 => new TomlArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))),
            _ => new TomlArray(Enumerable.Range(0, random.Next(1, 3)).Select(_ => (object)RandomTable(random, depth + 1))) { IsArrayOfTables = random.Next(2) == 0 },
        };
    }

    private static string RandomString(Random random)
    {
        const string pool = "abcXYZ09_- .\"'\\#=[]{}\t\n\r\u0001\u007féñ中😀";
        var length = random.Next(0, 8);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            var c = pool[random.Next(pool.Length)];
            if (char.IsSurrogate(c))
            {
                builder.Append("😀");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static void AssertSameTree(object expected, object actual, string text)
    {
        switch (expected)
        {
            case TomlTable table:
                var other = Assert.IsType<TomlTable>(actual);
                Assert.True(table.Keys.Order(StringComparer.Ordinal).SequenceEqual(other.Keys.Order(StringComparer.Ordinal)), text);
                foreach (var (key, value) in table)
                {
                    AssertSameTree(value, other[key], text);
                }

                break;
            case TomlArray array:
                var list = Assert.IsType<TomlArray>(actual);
                Assert.True(array.Count == list.Count, text);
                for (var i = 0; i < array.Count; i++)
                {
                    AssertSameTree(array[i], list[i], text);
                }

                break;
            case double d:
                var read = Assert.IsType<double>(actual);
                Assert.True(double.IsNaN(d) ? double.IsNaN(read) : BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(read), text);
                break;
            default:
                Assert.True(Equals(expected, actual), $"{expected} != {actual} in\n{text}");
                break;
        }
    }
}

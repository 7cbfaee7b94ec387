using System.Globalization;

/// <summary>Medians per measure and contender, printed as one Markdown table with our ratio to each peer.</summary>
internal sealed class Results(string[] contenders)
{
    private readonly List<string> measures = [];
    private readonly Dictionary<(string Measure, string Contender), (double Median, double Min, double Max, string Unit)> cells = [];

    public void Add(string measure, string contender, List<double> values, string unit)
    {
        if (!measures.Contains(measure))
        {
            measures.Add(measure);
        }

        List<double> sorted = [.. values.Order()];
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        cells[(measure, contender)] = (median, sorted[0], sorted[^1], unit);
    }

    public void Print(TextWriter output)
    {
        string us = contenders[0];
        string[] peers = contenders[1..];
        output.WriteLine($"| Measure | {us} (median, min–max) |{string.Concat(peers.Select(p => $" {p} | {us} ÷ {p} |"))}");
        output.WriteLine($"|---|---|{string.Concat(peers.Select(_ => "---|---|"))}");
        foreach (string measure in measures)
        {
            string row = $"| {measure} | {Cell(measure, us, withRange: true)} |";
            foreach (string peer in peers)
            {
                row += $" {Cell(measure, peer, withRange: false)} | {Ratio(measure, us, peer)} |";
            }

            output.WriteLine(row);
        }
    }

    private string Cell(string measure, string contender, bool withRange) =>
        cells.TryGetValue((measure, contender), out var c)
            ? withRange
                ? string.Create(CultureInfo.InvariantCulture, $"{c.Median:0.#} {c.Unit} ({c.Min:0.#}–{c.Max:0.#})")
                : string.Create(CultureInfo.InvariantCulture, $"{c.Median:0.#} {c.Unit}")
            : "—";

    private string Ratio(string measure, string us, string peer) =>
        cells.TryGetValue((measure, us), out var a) && cells.TryGetValue((measure, peer), out var b) && b.Median > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{a.Median / b.Median:0.00}×")
            : "—";
}

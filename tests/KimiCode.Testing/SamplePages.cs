namespace KimiCode.Testing;

/// <summary>Web pages shaped like real ones (site navigation, ads, cookie banner, sidebar, footer around an article).</summary>
public static class SamplePages
{
    /// <summary>Words only the article body contains.</summary>
    public const string ArticleMarker = "pelican-migration-ledger";

    /// <summary>A sentence of the article body.</summary>
    public const string ArticleSentence = "range scans, the most common query, about four times faster";

    /// <summary>Words only the page furniture contains (navigation, ads, cookie banner, sidebar, footer).</summary>
    public static readonly string[] FurnitureMarkers = ["NavHomeLink", "BuyNowAdvert", "CookieConsentText", "TrendingSidebar", "FooterCopyright", "trackingScriptVar"];

    public const string NewsArticle = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Release notes: the pelican-migration-ledger format | Example Dev Blog</title>
          <style>body { font-family: sans-serif; } .ad { display: block; }</style>
          <script>var trackingScriptVar = { id: 42 }; window.dataLayer = [];</script>
        </head>
        <body>
          <div id="cookie-banner" class="cookie-consent">CookieConsentText: we use cookies. <button>Accept all</button></div>
          <header class="site-header">
            <a href="/" class="logo">Example Dev Blog</a>
            <nav class="main-nav"><ul><li><a href="/">NavHomeLink</a></li><li><a href="/blog">Blog</a></li><li><a href="/about">About</a></li></ul></nav>
          </header>
          <div class="layout">
            <div class="ad ad-top" id="ad-slot-1"><a href="https://ads.example.net/click">BuyNowAdvert: 50% off hosting!</a></div>
            <main>
              <article class="post">
                <header><h1>Release notes: the new ledger format</h1><p class="byline">By A. Writer, 2 January 2026</p></header>
                <p>Version 3 stores the pelican-migration-ledger in a columnar layout, which makes range scans, the most common query, about four times faster.</p>
                <p>Existing files keep working: the reader detects the old layout, converts it on first open, and keeps a backup next to the original.</p>
                <h2>Upgrading</h2>
                <ul><li>Install version 3.</li><li>Open each ledger once.</li></ul>
                <pre><code>ledger convert --all ./data</code></pre>
                <div class="share-buttons social"><a href="#">Share on X</a> <a href="#">Share on Mastodon</a></div>
              </article>
            </main>
            <aside class="sidebar"><h3>TrendingSidebar</h3><ul><li><a href="/a">Ten tips</a></li><li><a href="/b">Why Rust</a></li></ul></aside>
          </div>
          <footer class="site-footer"><p>FooterCopyright © 2026 Example Dev Blog. All rights reserved.</p></footer>
          <script src="/analytics.js"></script>
        </body>
        </html>
        """;
}

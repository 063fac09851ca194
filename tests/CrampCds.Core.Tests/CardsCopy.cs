using System.Text.Json.Nodes;
using CrampCds.Core.Cards;

namespace CrampCds.Core.Tests;

/// <summary>A scratch copy of the repository's cds-cards, for a test that edits the content; deleted on dispose.</summary>
public sealed class CardsCopy : IDisposable
{
    public CardsCopy()
    {
        foreach (var file in Directory.GetFiles(TestContent.CardsPath, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(TestContent.CardsPath, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crampcds-cards-" + Guid.NewGuid().ToString("N"));

    /// <summary>Changes one JSON file of the copy, e.g. <c>Edit("facts.json", facts => ...)</c>.</summary>
    public void Edit(string relativePath, Action<JsonObject> change)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    public CardCatalog Load() => CardCatalog.Load(Path, TestContent.Rules);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

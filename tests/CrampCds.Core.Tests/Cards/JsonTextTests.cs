using System.Buffers;
using System.Text;
using System.Text.Json;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using FluentAssertions;

namespace CrampCds.Core.Tests.Cards;

public class JsonTextTests
{
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("detail");

    public static TheoryData<string> Texts() => new()
    {
        "Baclofen 10 mg three times a day",
        "**Start low.**\n\n- 5 mg three times a day\n- eGFR 28 mL/min/1.73 m\u00b2 (2026-11-24)\r\n",
        "a \"quoted\" name, a back\\slash and a tab\there",
        "\u0001\u001f\u007f control characters",
        "\b backspace \f form feed \u000b vertical tab \u0000 nul",
        "\u2265 30 mg/day \u2026 caf\u00e9, \u4e2d\u6587",
        "\ud83d\ude00 beyond the BMP, twice: \ud83d\udc8a",
        "\u2028\u2029\ufeff\u00a0\u00ad separators and marks",
        "<b>&amp;</b> 'single' +plus `tick`",
        "",
        new string('x', 1023) + "\n",
        new string('\n', 1000),
        new string('\u00e9', 2000),
        new string('\u4e2d', 1024),
        new string('\u0001', 1000),

        // 4,094 bytes of JSON between the quotes fill the buffer exactly; one more is left to the writer.
        new string('\u0001', 682) + "ab",
        new string('\u0001', 682) + "abc",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_text_is_written_to_the_same_bytes_as_the_json_writer_writes(string text)
    {
        Written(w => JsonText.WriteString(w, Name, text)).Should().Be(Written(w => w.WriteString(Name, text)));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_text_reads_back_as_it_was_written(string text)
    {
        using var document = JsonDocument.Parse(Written(w => JsonText.WriteString(w, Name, text)));
        document.RootElement.GetProperty("detail").GetString().Should().Be(text);
    }

    // Every text the rules write, as the cases render it: the same bytes as the writer's.
    [Theory]
    [MemberData(nameof(CardsJsonTests.Cases), MemberType = typeof(CardsJsonTests))]
    public void Every_card_text_of_the_cases_is_written_to_the_json_writer_s_bytes(string relativePath)
    {
        var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var file = CaseFile.Load(Path.Combine(TestContent.CardsPath, relativePath));
        var cards = file.Run(TestContent.Catalog, TestContent.Evaluator(), now).Cards;

        cards.Should().NotBeEmpty();
        foreach (var text in cards.SelectMany(c => new[] { c.Summary, c.Detail ?? "" }))
        {
            Written(w => JsonText.WriteString(w, Name, text)).Should().Be(Written(w => w.WriteString(Name, text)));
        }
    }

    [Fact]
    public void A_lone_surrogate_is_left_to_the_json_writer_which_escapes_a_replacement_character()
    {
        const string text = "dose \ud800 mg";

        Written(w => JsonText.WriteString(w, Name, text)).Should().Be(Written(w => w.WriteString(Name, text)))
            .And.Be("{\"detail\":\"dose \\uFFFD mg\"}");
    }

    [Fact]
    public void A_writer_with_other_escaping_keeps_its_own()
    {
        var options = new JsonWriterOptions();
        const string text = "a \"quote\" <b>";

        Written(w => JsonText.WriteString(w, Name, text), options).Should().Be(Written(w => w.WriteString(Name, text), options))
            .And.Contain("\\u0022").And.Contain("\\u003C");
    }

    [Fact]
    public void Members_around_the_text_keep_their_commas()
    {
        var json = Written(w =>
        {
            w.WriteString("uuid", "u1");
            JsonText.WriteString(w, Name, "line\nline");
            w.WriteString("indicator", "warning");
        });

        json.Should().Be("{\"uuid\":\"u1\",\"detail\":\"line\\nline\",\"indicator\":\"warning\"}");
    }

    private static string Written(Action<Utf8JsonWriter> write) => Written(write, CardsJson.WriterOptions);

    private static string Written(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

using System.Text.Json;
using CrampCds.Core.Cards;

namespace CrampCds.Api.Hooks;

/// <summary>
/// A 200 with <c>{"cards":[...]}</c>, written straight into the response's pipe in one synchronous pass (the answer is a
/// few kilobytes: no async serializer state machine; Kestrel sends it as the request completes), with
/// <see cref="CardsJson"/>'s escaping.
/// </summary>
internal sealed class CardsResult(IReadOnlyList<Card> cards) : IResult
{
    public IReadOnlyList<Card> Cards { get; } = cards;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, CardsJson.WriterOptions))
        {
            CardsJson.Write(writer, Cards);
        }

        return Task.CompletedTask;
    }
}

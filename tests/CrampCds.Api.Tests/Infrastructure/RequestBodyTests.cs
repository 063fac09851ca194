using System.Text;
using CrampCds.Api.Infrastructure;
using FluentAssertions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrampCds.Api.Tests.Infrastructure;

public class RequestBodyTests
{
    [Fact]
    public async Task A_body_within_the_limit_is_read_whole()
    {
        using var read = await RequestBody.ReadAsync(Request(new MemoryStream("{\"hook\":\"order-sign\"}"u8.ToArray())), 1024, CancellationToken.None);

        read.Refusal.Should().BeNull();
        Encoding.UTF8.GetString(read.Body.Span).Should().Be("{\"hook\":\"order-sign\"}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_large_body_is_read_whole_with_or_without_a_content_length(bool announced)
    {
        var json = Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', 300_000) + "\"}");
        var request = Request(new MemoryStream(json));
        request.ContentLength = announced ? json.Length : null;

        using var read = await RequestBody.ReadAsync(request, 1_000_000, CancellationToken.None);

        read.Refusal.Should().BeNull();
        read.Body.ToArray().Should().Equal(json);
    }

    [Fact]
    public async Task A_body_without_a_content_length_that_grows_past_the_limit_is_refused()
    {
        using var read = await RequestBody.ReadAsync(Request(new MemoryStream(new byte[100_000])), 40_000, CancellationToken.None);

        read.Refusal.Should().BeOfType<ProblemHttpResult>().Which.StatusCode.Should().Be(StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task A_body_that_ends_before_its_content_length_is_a_400_naming_the_body_not_a_server_error()
    {
        using var read = await RequestBody.ReadAsync(Request(new BrokenBody(StatusCodes.Status400BadRequest)), 1024, CancellationToken.None);

        var problem = read.Refusal.Should().BeOfType<ProblemHttpResult>().Subject;
        problem.StatusCode.Should().Be(StatusCodes.Status400BadRequest);
        problem.ProblemDetails.Extensions["errors"].Should().BeAssignableTo<IDictionary<string, string[]>>().Which.Should().ContainKey("body");
    }

    [Fact]
    public async Task A_body_the_server_refuses_as_too_large_is_a_413()
    {
        using var read = await RequestBody.ReadAsync(Request(new BrokenBody(StatusCodes.Status413PayloadTooLarge)), 1024, CancellationToken.None);

        read.Refusal.Should().BeOfType<ProblemHttpResult>().Which.StatusCode.Should().Be(StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_without_reading_it_all()
    {
        using var read = await RequestBody.ReadAsync(Request(new MemoryStream(new byte[64 * 1024])), 1024, CancellationToken.None);

        read.Refusal.Should().BeOfType<ProblemHttpResult>().Which.StatusCode.Should().Be(StatusCodes.Status413PayloadTooLarge);
    }

    private static HttpRequest Request(Stream body)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        return context.Request;
    }

    /// <summary>What Kestrel throws when the client stops sending before its Content-Length.</summary>
    private sealed class BrokenBody(int statusCode) : MemoryStream("{\"hook\":"u8.ToArray())
    {
        private bool _sent;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent)
            {
                throw new BadHttpRequestException("Unexpected end of request content.", statusCode);
            }

            _sent = true;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}

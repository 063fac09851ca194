using System.Buffers;
using CrampCds.Api.Hooks;
using CrampCds.Core.Hooks;

namespace CrampCds.Api.Infrastructure;

/// <summary>A body read whole, or the answer that refuses it.</summary>
public readonly record struct RequestBodyRead(ReadOnlyMemory<byte> Body, IResult? Refusal);

/// <summary>Reads a request body up to a limit; a larger body is refused, not buffered.</summary>
public static class RequestBody
{
    public static async Task<RequestBodyRead> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return new(default, Problems.TooLarge(maxBytes));
        }

        var writer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and <= 1 << 20 ? (int)request.ContentLength : 16 * 1024);
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(8 * 1024);
                var read = await request.Body.ReadAsync(memory, cancellationToken);
                if (read == 0)
                {
                    return new(writer.WrittenMemory, null);
                }

                writer.Advance(read);
                if (writer.WrittenCount > maxBytes)
                {
                    return new(default, Problems.TooLarge(maxBytes));
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The client's fault (a body shorter than its Content-Length, a malformed chunk): a 400, not a server error.
            return new(default, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.TooLarge(maxBytes)
                : Problems.Invalid([new RequestError("body", "could not be read: it ended before its declared length or is malformed")]));
        }
    }
}

using System.Buffers;
using CrampCds.Api.Hooks;
using CrampCds.Core.Hooks;

namespace CrampCds.Api.Infrastructure;

/// <summary>
/// A body read whole into a pooled buffer, or the answer that refuses it. Dispose it when the request is answered:
/// the buffer goes back to the pool, cleared (it held patient data), so nothing read from it (a draft order's JSON
/// slice) may outlive the request.
/// </summary>
public sealed class RequestBodyRead : IDisposable
{
    private byte[]? _rented;

    internal RequestBodyRead(byte[]? rented, int length, IResult? refusal)
    {
        _rented = rented;
        Body = rented is null ? default : rented.AsMemory(0, length);
        Refusal = refusal;
    }

    public ReadOnlyMemory<byte> Body { get; private set; }

    public IResult? Refusal { get; }

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            Body = default;
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}

/// <summary>Reads a request body up to a limit; a larger body is refused, not buffered.</summary>
public static class RequestBody
{
    private const int UnknownLengthStart = 16 * 1024;

    // A full prefetch is hundreds of kilobytes: a new array per call would land on the large-object heap every time.
    public static async Task<RequestBodyRead> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return new(null, 0, Problems.TooLarge(maxBytes));
        }

        // One byte more than announced, so that the final zero-length read needs no larger buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } announced ? (int)announced + 1 : UnknownLengthStart);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    var body = new RequestBodyRead(buffer, length, null);
                    buffer = null;
                    return body;
                }

                length += read;
                if (length > maxBytes)
                {
                    return new(null, 0, Problems.TooLarge(maxBytes));
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The client's fault (a body shorter than its Content-Length, a malformed chunk): a 400, not a server error.
            return new(null, 0, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.TooLarge(maxBytes)
                : Problems.Invalid([new RequestError("body", "could not be read: it ended before its declared length or is malformed")]));
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            }
        }
    }
}

using System.Buffers;

namespace CrampCds.Api.Infrastructure;

/// <summary>Reads a request body up to a limit; a larger body is refused, not buffered.</summary>
public static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var writer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and <= 1 << 20 ? (int)request.ContentLength : 16 * 1024);
        while (true)
        {
            var memory = writer.GetMemory(8 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return writer.WrittenMemory;
            }

            writer.Advance(read);
            if (writer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}

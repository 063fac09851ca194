using System.Security.Cryptography;

namespace CrampCds.Core.Cards;

/// <summary>
/// Card and suggestion uuids: time-ordered (version 7, RFC 9562), so the card log appends to its index instead of writing
/// all over it, and unguessable (74 bits from the system's cryptographic generator), since feedback names its card by
/// uuid. The random bits are drawn 4 KB at a time: <see cref="Guid.CreateVersion7(DateTimeOffset)"/> reads the kernel's
/// generator once per uuid, a system call for every card and suggestion. Thread-safe.
/// </summary>
public sealed class CardIds
{
    private const int UuidBytes = 16;
    private const int BufferBytes = 256 * UuidBytes;

    private readonly Lock _gate = new();
    private readonly byte[] _random = new byte[BufferBytes];
    private int _next = BufferBytes;

    /// <summary>A new uuid in its usual text form, carrying <paramref name="issuedAt"/> to the millisecond.</summary>
    public string Next(DateTimeOffset issuedAt)
    {
        var milliseconds = issuedAt.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(issuedAt));

        Span<byte> uuid = stackalloc byte[UuidBytes];
        lock (_gate)
        {
            if (_next == BufferBytes)
            {
                RandomNumberGenerator.Fill(_random);
                _next = 0;
            }

            var drawn = _random.AsSpan(_next, UuidBytes);
            drawn.CopyTo(uuid);
            drawn.Clear();
            _next += UuidBytes;
        }

        // 48-bit big-endian Unix time in ms, then the version (7) and the variant (10xx) over random bits.
        for (var i = 0; i < 6; i++)
        {
            uuid[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        uuid[6] = (byte)(0x70 | (uuid[6] & 0x0F));
        uuid[8] = (byte)(0x80 | (uuid[8] & 0x3F));
        return new Guid(uuid, bigEndian: true).ToString();
    }
}

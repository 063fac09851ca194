using System.Buffers;

namespace CrampCds.Core.Fhir;

/// <summary>
/// Items gathered in a rented array while their number is not known yet, then copied out at their exact size: on the
/// read path a List's object and its outgrown arrays would be garbage. A mutable struct: keep it in one local, and
/// <see cref="Return"/> it when done (one left to the collector after an exception is merely not reused).
/// </summary>
internal struct PooledList<T>
{
    private T[] _items;
    private int _count;

    public PooledList(int capacity)
    {
        _items = ArrayPool<T>.Shared.Rent(capacity);
    }

    public readonly ReadOnlySpan<T> Items => _items.AsSpan(0, _count);

    public void Add(T item)
    {
        if (_count == _items.Length)
        {
            var larger = ArrayPool<T>.Shared.Rent(Math.Max(_count * 2, 8));
            Items.CopyTo(larger);
            ArrayPool<T>.Shared.Return(_items, clearArray: true);
            _items = larger;
        }

        _items[_count++] = item;
    }

    /// <summary>Gives the array back to the pool (cleared: it holds references); the list is empty after.</summary>
    public void Return()
    {
        ArrayPool<T>.Shared.Return(_items, clearArray: true);
        _items = [];
        _count = 0;
    }
}

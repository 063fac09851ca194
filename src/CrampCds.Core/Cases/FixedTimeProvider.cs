namespace CrampCds.Core.Cases;

/// <summary>A clock that stands still: cases and offline evaluations run at a chosen "now".</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

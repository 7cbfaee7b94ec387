namespace KimiCode.Provider.Tests;

public sealed class RetryDelaysTests
{
    private static ProviderException Retryable(TimeSpan? retryAfter = null) =>
        new(ProviderErrorCodes.Server, "x") { RetryAfter = retryAfter };

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 32)]
    [InlineData(9, 32)]
    public void Next_NoJitter_DoublesUpToMaxDelay(int failedAttempt, double expectedSeconds)
    {
        var options = new RetryOptions { Jitter = false };

        TimeSpan? delay = RetryDelays.Next(options, Retryable(), failedAttempt, () => 0.3);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Theory]
    [InlineData(0.0, 2.0)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.5, 3.0)]
    public void Next_Jitter_ScalesBetweenHalfAndFull(double random, double expectedSeconds)
    {
        var options = new RetryOptions { Jitter = true };

        TimeSpan? delay = RetryDelays.Next(options, Retryable(), 4, () => random);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void Next_JitterOnFirstAttempt_NeverBelowHalfBaseDelay()
    {
        TimeSpan? delay = RetryDelays.Next(new RetryOptions(), Retryable(), 1, () => 0.0);

        Assert.Equal(TimeSpan.FromSeconds(0.25), delay);
    }

    [Fact]
    public void Next_RetryAfter_WinsOverBackoff()
    {
        TimeSpan? delay = RetryDelays.Next(new RetryOptions(), Retryable(TimeSpan.FromSeconds(7)), 1, () => 0.0);

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public void Next_LastAttemptOrNotRetryable_ReturnsNull()
    {
        var options = new RetryOptions { MaxAttempts = 3 };

        Assert.Null(RetryDelays.Next(options, Retryable(), 3, () => 0.5));
        Assert.Null(RetryDelays.Next(options, new ProviderException(ProviderErrorCodes.Auth, "x"), 1, () => 0.5));
        Assert.NotNull(RetryDelays.Next(options, Retryable(), 2, () => 0.5));
    }

    [Fact]
    public void Next_RetryAfterBelowBackoff_FlooredToBackoff()
    {
        var options = new RetryOptions { Jitter = false };

        Assert.Equal(TimeSpan.FromSeconds(2), RetryDelays.Next(options, Retryable(TimeSpan.Zero), 3, () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryDelays.Next(options, Retryable(TimeSpan.FromSeconds(1)), 3, () => 0.5));
    }

    [Fact]
    public void Next_RetryAfterAboveCeiling_ReturnsNull()
    {
        var options = new RetryOptions { RetryAfterMax = TimeSpan.FromSeconds(60) };

        Assert.Null(RetryDelays.Next(options, Retryable(TimeSpan.FromSeconds(61)), 1, () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryDelays.Next(options, Retryable(TimeSpan.FromSeconds(60)), 1, () => 0.5));
    }
}

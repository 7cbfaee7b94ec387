using KimiCode.Cli.Shell;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Shell;

public sealed class CtrlCGateTests
{
    [Fact]
    public void Press_TwiceWithinTwoSeconds_Exits()
    {
        var clock = new FakeTimeProvider();
        var gate = new CtrlCGate(clock);

        Assert.False(gate.Press());
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(gate.Press());
    }

    [Fact]
    public void Press_SecondAfterTheWindow_StartsOver()
    {
        var clock = new FakeTimeProvider();
        var gate = new CtrlCGate(clock);

        Assert.False(gate.Press());
        clock.Advance(TimeSpan.FromSeconds(2.5));
        Assert.False(gate.Press());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.Press());
    }

    [Fact]
    public void Press_AfterReset_CountsAsFirst()
    {
        var gate = new CtrlCGate(new FakeTimeProvider());

        gate.Press();
        gate.Reset();

        Assert.False(gate.Press());
    }

    [Fact]
    public void Press_ThirdRightAfterAnExit_IsAFirstPressAgain()
    {
        var gate = new CtrlCGate(new FakeTimeProvider());

        gate.Press();
        Assert.True(gate.Press());
        Assert.False(gate.Press());
    }
}

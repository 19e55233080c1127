using Orchestrator.Contracts.Checkouts;
using Orchestrator.Grains.Checkouts;
using Stateless;

namespace Orchestrator.UnitTests;

public sealed class CheckoutStateMachineTests
{
    private static (StateMachine<CheckoutStatus, CheckoutTrigger> Machine, Func<CheckoutStatus> Status) Build(
        CheckoutStatus initial, bool registrationMayExist = false)
    {
        var status = initial;
        var machine = CheckoutStateMachine.Create(() => status, s => status = s, () => registrationMayExist);
        return (machine, () => status);
    }

    [Fact]
    public async Task HappyPath_FromCreatedToFulfilled_VisitsEveryStatusInOrder()
    {
        var (machine, status) = Build(CheckoutStatus.Created);
        var visited = new List<CheckoutStatus> { status() };

        foreach (var trigger in new[] { CheckoutTrigger.Register, CheckoutTrigger.RecordNotification, CheckoutTrigger.ConfirmPayment, CheckoutTrigger.Fulfil })
        {
            await machine.FireAsync(trigger);
            visited.Add(status());
        }

        Assert.Equal(
            [CheckoutStatus.Created, CheckoutStatus.Registered, CheckoutStatus.Notified, CheckoutStatus.Confirmed, CheckoutStatus.Fulfilled],
            visited);
    }

    // The full table, as a list of (from, trigger, to). Anything not listed must be refused.
    public static TheoryData<CheckoutStatus, CheckoutTrigger, CheckoutStatus> PermittedTransitions => new()
    {
        { CheckoutStatus.Created, CheckoutTrigger.Register, CheckoutStatus.Registered },
        { CheckoutStatus.Created, CheckoutTrigger.FailRegistration, CheckoutStatus.Failed },
        { CheckoutStatus.Created, CheckoutTrigger.DeferRegistration, CheckoutStatus.Created },
        { CheckoutStatus.Created, CheckoutTrigger.RecordNotification, CheckoutStatus.Created },
        { CheckoutStatus.Created, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Created },
        { CheckoutStatus.Created, CheckoutTrigger.Cancel, CheckoutStatus.Cancelled },
        { CheckoutStatus.Registered, CheckoutTrigger.RecordNotification, CheckoutStatus.Notified },
        { CheckoutStatus.Registered, CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed },
        { CheckoutStatus.Registered, CheckoutTrigger.Expire, CheckoutStatus.Expired },
        { CheckoutStatus.Registered, CheckoutTrigger.Cancel, CheckoutStatus.Cancelled },
        { CheckoutStatus.Registered, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Registered, CheckoutTrigger.RecordInquiryFailure, CheckoutStatus.Registered },
        { CheckoutStatus.Registered, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Registered },
        { CheckoutStatus.Notified, CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed },
        { CheckoutStatus.Notified, CheckoutTrigger.Expire, CheckoutStatus.Expired },
        { CheckoutStatus.Notified, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Notified, CheckoutTrigger.RecordNotification, CheckoutStatus.Notified },
        { CheckoutStatus.Notified, CheckoutTrigger.RecordContradiction, CheckoutStatus.Notified },
        { CheckoutStatus.Notified, CheckoutTrigger.RecordInquiryFailure, CheckoutStatus.Notified },
        { CheckoutStatus.Notified, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Notified },
        { CheckoutStatus.Confirmed, CheckoutTrigger.Fulfil, CheckoutStatus.Fulfilled },
        { CheckoutStatus.Confirmed, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Confirmed, CheckoutTrigger.RecordNotification, CheckoutStatus.Confirmed },
        { CheckoutStatus.Confirmed, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Confirmed },
        { CheckoutStatus.Fulfilled, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Fulfilled, CheckoutTrigger.RecordNotification, CheckoutStatus.Fulfilled },
        { CheckoutStatus.Fulfilled, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Fulfilled },
        { CheckoutStatus.Expired, CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed },
        { CheckoutStatus.Expired, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Expired, CheckoutTrigger.RecordNotification, CheckoutStatus.Expired },
        { CheckoutStatus.Expired, CheckoutTrigger.RecordInquiryFailure, CheckoutStatus.Expired },
        { CheckoutStatus.Expired, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Expired },
        { CheckoutStatus.Cancelled, CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed },
        { CheckoutStatus.Cancelled, CheckoutTrigger.Reverse, CheckoutStatus.Reversed },
        { CheckoutStatus.Cancelled, CheckoutTrigger.RecordNotification, CheckoutStatus.Cancelled },
        { CheckoutStatus.Cancelled, CheckoutTrigger.RecordInquiryFailure, CheckoutStatus.Cancelled },
        { CheckoutStatus.Cancelled, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Cancelled },
        { CheckoutStatus.Failed, CheckoutTrigger.ConfirmPayment, CheckoutStatus.Confirmed },
        { CheckoutStatus.Failed, CheckoutTrigger.RecordNotification, CheckoutStatus.Failed },
        { CheckoutStatus.Failed, CheckoutTrigger.RecordInquiryFailure, CheckoutStatus.Failed },
        { CheckoutStatus.Failed, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Failed },
        { CheckoutStatus.Reversed, CheckoutTrigger.RecordNotification, CheckoutStatus.Reversed },
        { CheckoutStatus.Reversed, CheckoutTrigger.RecordAnomaly, CheckoutStatus.Reversed },
    };

    [Theory]
    [MemberData(nameof(PermittedTransitions))]
    public async Task Fire_PermittedTrigger_MovesToTheTableTarget(CheckoutStatus from, CheckoutTrigger trigger, CheckoutStatus to)
    {
        var (machine, status) = Build(from);

        await machine.FireAsync(trigger);

        Assert.Equal(to, status());
    }

    [Fact]
    public async Task Fire_EveryTriggerNotInTheTable_ThrowsAndLeavesTheStatus()
    {
        var permitted = PermittedTransitions.Select(row => ((CheckoutStatus)row[0], (CheckoutTrigger)row[1])).ToHashSet();
        var refused = 0;
        foreach (var from in Enum.GetValues<CheckoutStatus>())
        {
            foreach (var trigger in Enum.GetValues<CheckoutTrigger>())
            {
                if (permitted.Contains((from, trigger)))
                {
                    continue;
                }

                var (machine, status) = Build(from);
                var error = await Assert.ThrowsAsync<CheckoutTransitionNotPermittedException>(() => machine.FireAsync(trigger));
                Assert.Equal(from, error.Status);
                Assert.Equal(trigger, error.Trigger);
                Assert.Equal(from, status());
                refused++;
            }
        }

        Assert.True(refused > 50, $"only {refused} combinations were checked");
    }

    [Fact]
    public async Task Cancel_WhenCreatedAndRegistrationOutcomeUnknown_IsRefused()
    {
        var (machine, status) = Build(CheckoutStatus.Created, registrationMayExist: true);

        Assert.False(machine.CanFire(CheckoutTrigger.Cancel));
        await Assert.ThrowsAsync<CheckoutTransitionNotPermittedException>(() => machine.FireAsync(CheckoutTrigger.Cancel));
        Assert.Equal(CheckoutStatus.Created, status());
    }

    [Theory]
    [InlineData(CheckoutStatus.Notified)]
    [InlineData(CheckoutStatus.Confirmed)]
    [InlineData(CheckoutStatus.Fulfilled)]
    public void Cancel_OncePaymentIsNotifiedOrConfirmed_IsNotPermitted(CheckoutStatus status)
    {
        var (machine, _) = Build(status);

        Assert.False(machine.CanFire(CheckoutTrigger.Cancel));
    }

    [Theory]
    [InlineData(CheckoutStatus.Expired)]
    [InlineData(CheckoutStatus.Cancelled)]
    [InlineData(CheckoutStatus.Failed)]
    public async Task ConfirmPayment_AfterTheCheckoutWasClosed_StillConfirms(CheckoutStatus closed)
    {
        var (machine, status) = Build(closed);

        await machine.FireAsync(CheckoutTrigger.ConfirmPayment);

        Assert.Equal(CheckoutStatus.Confirmed, status());
    }

    [Fact]
    public async Task GetPermittedTriggersAsync_WhenConfirmed_OffersFulfilButNotCancel()
    {
        var (machine, _) = Build(CheckoutStatus.Confirmed);

        var triggers = (await machine.GetPermittedTriggersAsync()).ToList();

        Assert.Contains(CheckoutTrigger.Fulfil, triggers);
        Assert.DoesNotContain(CheckoutTrigger.Cancel, triggers);
    }
}

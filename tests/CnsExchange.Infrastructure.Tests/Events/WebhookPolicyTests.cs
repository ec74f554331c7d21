using System.Net;
using CnsExchange.Application.Features.Webhooks;
using CnsExchange.Infrastructure.Events;

namespace CnsExchange.Infrastructure.Tests.Events;

public sealed class WebhookPolicyTests
{
    [Fact]
    public void The_signature_matches_openssl()
    {
        // printf '%s' '1764579600.{"id":"x"}' | openssl dgst -sha256 -hmac 'whsec_test' -hex
        Assert.Equal("t=1764579600,v1=6da42fc10cb7f92366a6cea89f5207b07c48cc6e4e7e1c2e571da2d43728682b",
            WebhookSignature.Compute("whsec_test", 1764579600, """{"id":"x"}"""));
    }

    [Fact]
    public void Verification_refuses_another_body_another_secret_and_an_old_timestamp()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1764579600);
        var header = WebhookSignature.Compute("whsec_test", 1764579600, "{}");
        Assert.True(WebhookSignature.Verify("whsec_test", header, "{}", at.AddMinutes(1), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{ }", at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", header, "{}", at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, "{}", at.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("127.0.0.1", true, false)]
    [InlineData("::1", true, false)]
    [InlineData("10.1.2.3", true, false)]
    [InlineData("172.16.0.1", true, false)]
    [InlineData("192.168.0.1", true, false)]
    [InlineData("169.254.169.254", true, false)]
    [InlineData("fe80::1", true, false)]
    [InlineData("fd00::1", true, false)]
    [InlineData("::ffff:127.0.0.1", true, false)] // IPv4-mapped loopback
    [InlineData("100.64.0.1", true, false)]
    [InlineData("0.0.0.0", true, false)]
    [InlineData("93.184.215.14", true, true)]
    [InlineData("2606:4700::1111", true, true)]
    public void Local_allows_every_address_hosted_only_public_ones(string address, bool local, bool hosted)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(local, WebhookNetworkPolicy.FromSettings("local", null).Allows(ip));
        Assert.Equal(hosted, WebhookNetworkPolicy.FromSettings("hosted", null).Allows(ip));
    }

    [Fact]
    public void The_allow_list_opens_ranges_in_hosted_mode()
    {
        var policy = WebhookNetworkPolicy.FromSettings("hosted", "10.20.0.0/16, 127.0.0.1");
        Assert.True(policy.Allows(IPAddress.Parse("10.20.3.4")));
        Assert.True(policy.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.False(policy.Allows(IPAddress.Parse("127.0.0.2")));
        Assert.False(policy.Allows(IPAddress.Parse("10.21.0.1")));
    }

    [Fact]
    public async Task A_name_is_checked_on_the_addresses_it_resolves_to()
    {
        // localhost resolves to loopback: refused by the hosted policy whatever the name looks like (DNS rebinding).
        await Assert.ThrowsAsync<WebhookAddressRefusedException>(() => WebhookNetworkPolicy.FromSettings("hosted", null).ResolveAsync("localhost", CancellationToken.None));
        Assert.NotEmpty(await WebhookNetworkPolicy.FromSettings("local", null).ResolveAsync("localhost", CancellationToken.None));
    }

    [Fact]
    public void Retries_back_off_exponentially_with_jitter_within_24_hours_and_the_endpoint_is_disabled_after_3_days()
    {
        var o = new WebhookOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), WebhookRetrySchedule.Delay(o, 1, 1));
        Assert.Equal(TimeSpan.FromSeconds(15), WebhookRetrySchedule.Delay(o, 1, 0));
        Assert.Equal(TimeSpan.FromSeconds(240), WebhookRetrySchedule.Delay(o, 4, 1));
        Assert.Equal(TimeSpan.FromHours(1), WebhookRetrySchedule.Delay(o, 20, 1));
        // Passes, not tries: a pass is a try and its two quick retries.
        Assert.Equal([1, 1, 1, 2, 2, 2, 3], new[] { 1, 2, 3, 4, 5, 6, 7 }.Select(tries => WebhookRetrySchedule.Passes(o, tries)));
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1764579600);
        var retry = WebhookRetrySchedule.AfterFailure(o, retryable: true, pass: 3, t0, t0, t0.AddMinutes(1), 0.5);
        Assert.False(retry.GiveUp);
        Assert.Equal(t0.AddMinutes(1) + WebhookRetrySchedule.Delay(o, 3, 0.5), retry.RetryAt);
        Assert.True(WebhookRetrySchedule.AfterFailure(o, retryable: false, 1, t0, t0, t0, 0.5).GiveUp);
        var late = WebhookRetrySchedule.AfterFailure(o, retryable: true, 40, t0, t0, t0.AddHours(23.5), 1);
        Assert.True(late is { GiveUp: true, Disable: false });
        Assert.True(WebhookRetrySchedule.AfterFailure(o, retryable: true, 40, t0.AddDays(2), t0, t0.AddDays(3), 1) is { GiveUp: true, Disable: true });
    }
}

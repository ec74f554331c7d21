using System.Net;
using System.Net.Sockets;

namespace CnsExchange.Infrastructure.Events;

/// <summary>Where webhooks may go (CnsExchange:Webhooks:Network and :AllowedNetworks).</summary>
public enum WebhookNetworkMode
{
    /// <summary>A local set-up: any address, loopback included (a receiver on the developer's machine).</summary>
    Local,
    /// <summary>Hosted: loopback, private, link-local and other non-public ranges are refused unless allow-listed.</summary>
    Hosted,
}

/// <summary>Refused by the network policy: not retried (the address will not change by waiting).</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF policy of webhook targets, checked on the addresses a name resolves to at connection time (so that a name
/// re-bound to an internal address after the endpoint was registered is refused too), and on registration.
/// </summary>
public sealed class WebhookNetworkPolicy(WebhookNetworkMode mode, IReadOnlyList<IPNetwork> allowed)
{
    /// <summary>Ranges a hosted exchange never calls (RFC 6890 special-purpose blocks that reach this host or its network).</summary>
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    public WebhookNetworkMode Mode { get; } = mode;

    public static WebhookNetworkPolicy FromSettings(string? mode, string? allowedNetworks)
    {
        var parsedMode = string.Equals(mode, "local", StringComparison.OrdinalIgnoreCase) ? WebhookNetworkMode.Local : WebhookNetworkMode.Hosted;
        var networks = (allowedNetworks ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => IPNetwork.Parse(n.Contains('/') ? n : n + (n.Contains(':') ? "/128" : "/32"))).ToList();
        return new WebhookNetworkPolicy(parsedMode, networks);
    }

    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (allowed.Any(n => n.Contains(address))) return true;
        return Mode == WebhookNetworkMode.Local || !NonPublic.Any(n => n.Contains(address));
    }

    /// <summary>The addresses of <paramref name="host"/> the policy allows; refused when it allows none.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var permitted = addresses.Where(Allows).ToArray();
        if (permitted.Length == 0)
            throw new WebhookAddressRefusedException(addresses.Length == 0
                ? $"{host} does not resolve."
                : $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, which the network policy refuses (loopback, private and link-local ranges are not called).");
        return permitted;
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: connects only to an address the policy allows, resolved now.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

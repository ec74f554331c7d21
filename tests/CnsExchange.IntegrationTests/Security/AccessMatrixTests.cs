using System.Net;
using System.Text;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Security;

/// <summary>
/// The access-control matrix, taken from the application's own endpoint table: every route × missing key, invalid key
/// and every role; then every provider-owned resource × another provider's key.
/// </summary>
public sealed class AccessMatrixTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private static readonly Dictionary<string, string> RoleKeys = new()
    {
        ["provider"] = Physio2,
        ["reviewer"] = Reviewer,
        ["admin"] = Admin,
        ["operator"] = Operator,
        // The insured channel (RULES.md §8): every provider route answers it 403.
        ["insured-channel"] = "sandbox-insured-app",
    };

    private sealed record Route(string Method, string Path, IReadOnlySet<string> Roles, string? ContentType);

    private IReadOnlyList<Route> Routes()
    {
        var sources = Api.Services.GetServices<EndpointDataSource>();
        var policies = new Dictionary<string, string[]>
        {
            ["provider"] = ["provider"], ["reviewer"] = ["reviewer"], ["admin"] = ["admin"],
            ["reviewer_or_admin"] = ["reviewer", "admin"], ["provider_or_staff"] = ["provider", "reviewer", "admin"],
            ["operator"] = ["operator"], ["operator_or_admin"] = ["operator", "admin"],
            ["insured_channel"] = ["insured-channel"], ["provider_or_insured"] = ["provider", "insured-channel"],
            ["insured_channel_or_staff"] = ["insured-channel", "reviewer", "admin"],
            ["validation_request_readers"] = ["provider", "insured-channel", "reviewer", "admin"],
            ["any_sandbox_caller"] = ["provider", "insured-channel", "reviewer", "admin"],
        };
        var routes = new List<Route>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api/v1", StringComparison.Ordinal)) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            Assert.True(authorize.Count > 0, $"{pattern} has no authorization: every /api/v1 route must require a key");
            var roles = authorize.Where(a => a.Policy is not null).SelectMany(a => policies[a.Policy!]).ToHashSet();
            // A route that only accepts some content types is asked with one of them, so that the check is about the key.
            var accepts = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.FirstOrDefault();
            foreach (var method in methods) routes.Add(new Route(method, Fill(pattern), roles, accepts));
        }
        return routes;
    }

    private static string Fill(string pattern)
    {
        var sb = new StringBuilder();
        foreach (var segment in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append('/');
            if (!segment.StartsWith('{')) { sb.Append(segment); continue; }
            var name = segment.Trim('{', '}').Split(':')[0].ToLowerInvariant();
            sb.Append(segment.Contains(":int") || name is "year" or "line" ? "1" : name switch
            {
                "matricule" => "1983081246785",
                "number" => "K26-0001000-3",
                "code" => "PHY0001",
                "date" => "2026-11-23",
                _ => Guid.NewGuid().ToString(),
            });
        }
        return sb.ToString();
    }

    private static HttpRequestMessage Request(string method, string path, string? key, string? contentType = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            // A well-formed body, so that the answer is about access and not about the body.
            var body = path.EndsWith("/information", StringComparison.Ordinal) ? "{\"answer\":\"Here it is\"}"
                : path.EndsWith("/extensions", StringComparison.Ordinal) ? "{\"days\":10}"
                : path.EndsWith("/contestation", StringComparison.Ordinal) ? "{\"code\":\"TARIFF\",\"text\":\"Please check\"}"
                : "{}";
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(
                contentType is "multipart/form-data" ? "multipart/form-data; boundary=x" : contentType ?? "application/json");
        }
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Every_route_refuses_missing_and_invalid_keys_and_roles_it_is_not_for()
    {
        var client = Client(null);
        var leaks = new List<string>();
        var checks = 0;
        foreach (var route in Routes())
        {
            foreach (var key in new string?[] { null, "invalid-key" })
            {
                using var response = await client.SendAsync(Request(route.Method, route.Path, key, route.ContentType));
                checks++;
                if (response.StatusCode != HttpStatusCode.Unauthorized) leaks.Add($"{route.Method} {route.Path} with {(key is null ? "no key" : "an invalid key")} → {(int)response.StatusCode}");
            }
            foreach (var (role, key) in RoleKeys)
            {
                using var response = await client.SendAsync(Request(route.Method, route.Path, key, route.ContentType));
                checks++;
                var status = (int)response.StatusCode;
                if (RoleLeak(route.Roles, role, status) is { } leak) leaks.Add($"{route.Method} {route.Path} {leak}");
            }
        }
        ReliabilityFiguresFor(output, ("access checks", checks), ("access leaks", leaks.Count));
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>A provider-owned resource and where to read or act on it.</summary>
    private sealed record Owned(string Name, string[] Urls, string ListUrl, string Id, string OwnerKey);

    private async Task<List<Owned>> CreateOwnedResourcesAsync()
    {
        var owned = new List<Owned>();
        var decision = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        var requestId = decision.Id.ToString();
        var voucher = decision.Voucher!.Number;
        owned.Add(new Owned("validation request", [$"GET /api/v1/validation-requests/{requestId}", $"GET /api/v1/validation-requests/{requestId}/scan",
            $"POST /api/v1/validation-requests/{requestId}/cancel", $"POST /api/v1/validation-requests/{requestId}/information"],
            "/api/v1/validation-requests", requestId, Physio1));
        owned.Add(new Owned("voucher", [$"GET /api/v1/vouchers/{voucher}"], "/api/v1/validation-requests", voucher, Physio1));

        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("ACL-1", BillingApi.Line(voucher, "2026-11-20", claimed: 99m)));
        var memoirId = memoir.Id.ToString();
        owned.Add(new Owned("fee memoir", [$"GET /api/v1/fee-memoirs/{memoirId}", $"POST /api/v1/fee-memoirs/{memoirId}/lines/1/contestation"],
            "/api/v1/fee-memoirs", memoirId, Physio1));

        var file = await BillingApi.UploadAsync(Client(Physio1), $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nACL-F,{voucher},1983081246785,2026-11-21,ZK11,false,36.80\n", "text/csv");
        var fileId = file.Id.ToString();
        owned.Add(new Owned("billing file", [$"GET /api/v1/billing-files/{fileId}"], "/api/v1/billing-files", fileId, Physio1));

        var stay = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", new
        {
            matricule = "1983081246785", admissionDate = "2026-11-10", dischargeDate = "2026-11-12", kind = "stationary",
        })).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        var stayId = stay.Id.ToString();
        owned.Add(new Owned("hospital stay", [$"GET /api/v1/hospital-stays/{stayId}"], "/api/v1/hospital-stays", stayId, Hospital1));

        var cure = await CareAuthorisations.CareTestSupport.CureAsync(Client(Thermal1), CareAuthorisations.CareTestSupport.Cure());
        owned.Add(new Owned("cure authorisation", [$"GET /api/v1/cure-authorisations/{cure.Id}", $"POST /api/v1/cure-authorisations/{cure.Id}/cancel",
                $"POST /api/v1/cure-authorisations/{cure.Id}/information", $"GET /api/v1/vouchers/{cure.Voucher!.Number}"],
            "/api/v1/cure-authorisations", cure.Id.ToString(), Thermal1));
        var rehab = await CareAuthorisations.CareTestSupport.RehabAsync(Client(Rehab1), CareAuthorisations.CareTestSupport.Rehab("GER_STAT"));
        var rehabId = rehab.Id.ToString();
        owned.Add(new Owned("rehabilitation authorisation", [$"GET /api/v1/rehabilitation-authorisations/{rehabId}",
                $"POST /api/v1/rehabilitation-authorisations/{rehabId}/extensions", $"POST /api/v1/rehabilitation-authorisations/{rehabId}/cancel",
                $"POST /api/v1/rehabilitation-authorisations/{rehabId}/information", $"GET /api/v1/vouchers/{rehab.Voucher!.Number}"],
            "/api/v1/rehabilitation-authorisations", rehabId, Rehab1));
        return owned;
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task A_foreign_resource_is_always_404_and_no_list_shows_another_providers_data()
    {
        var owned = await CreateOwnedResourcesAsync();
        var secondHospital = await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "HOS0002", kind = "hospital", name = "Second hospital", iban = "LU280019400644750000", bic = "BCEELULL",
        })).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var secondThermal = await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "THE0002", kind = "thermal_centre", name = "Second thermal centre", iban = "LU980019400644750001", bic = "BCEELULL",
        })).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var secondRehab = await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "REH0002", kind = "rehabilitation_centre", name = "Second rehabilitation centre", iban = "LU710019400644750002", bic = "BCEELULL",
        })).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var otherKeys = new Dictionary<string, string>
        {
            [Physio1] = Physio2,
            [Hospital1] = secondHospital.ApiKey,
            [Thermal1] = secondThermal.ApiKey,
            [Rehab1] = secondRehab.ApiKey,
        };
        var leaks = new List<string>();
        var checks = 0;
        foreach (var resource in owned)
        {
            var foreign = Client(otherKeys[resource.OwnerKey]);
            foreach (var url in resource.Urls)
            {
                var (method, path) = (url.Split(' ')[0], url.Split(' ')[1]);
                using var response = await foreign.SendAsync(Request(method, path, null));
                checks++;
                if (IsForeignLeak(response.StatusCode)) leaks.Add($"{resource.Name}: {url} by another provider → {(int)response.StatusCode}");
            }
            var list = await foreign.GetStringAsync(resource.ListUrl);
            checks++;
            if (list.Contains(resource.Id, StringComparison.OrdinalIgnoreCase)) leaks.Add($"{resource.Name}: {resource.ListUrl} of another provider shows {resource.Id}");

            var own = await Client(resource.OwnerKey).SendAsync(Request("GET", resource.Urls[0].Split(' ')[1], null));
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        ReliabilityFiguresFor(output, ("foreign resource checks", checks), ("foreign resource leaks", leaks.Count));
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Every_resource_of_one_sandbox_is_404_through_every_key_of_another_and_no_list_shows_it()
    {
        var owned = await CreateOwnedResourcesAsync(); // in the default sandbox
        var other = await Sandboxes.SandboxApi.CreateAsync(Client(Operator), name: "other");
        var leaks = new List<string>();
        var checks = 0;
        foreach (var resource in owned)
        {
            foreach (var (role, key) in other.Keys)
            {
                var client = Client(key);
                foreach (var url in resource.Urls)
                {
                    var (method, path) = (url.Split(' ')[0], url.Split(' ')[1]);
                    using var response = await client.SendAsync(Request(method, path, null));
                    checks++;
                    // 403: that role may not use the route at all; anything else than 404 would tell the resource exists.
                    if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
                        leaks.Add($"{resource.Name}: {url} by {role} of another sandbox → {(int)response.StatusCode}");
                }
                using var list = await client.GetAsync(resource.ListUrl);
                checks++;
                if (list.IsSuccessStatusCode && (await list.Content.ReadAsStringAsync()).Contains(resource.Id, StringComparison.OrdinalIgnoreCase))
                    leaks.Add($"{resource.Name}: {resource.ListUrl} by {role} of another sandbox shows {resource.Id}");
            }
            var own = await Client(resource.OwnerKey).SendAsync(Request("GET", resource.Urls[0].Split(' ')[1], null));
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        ReliabilityFiguresFor(output, ("cross-sandbox checks", checks), ("cross-sandbox leaks", leaks.Count));
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>What is wrong with a role's answer on a route (null when nothing): another role's route not 403, its own 401, any 5xx.</summary>
    public static string? RoleLeak(IReadOnlyCollection<string> routeRoles, string role, int status) =>
        !routeRoles.Contains(role) && status != 403 ? $"as {role} → {status}, expected 403"
        : routeRoles.Contains(role) && status == 401 ? $"as {role} → 401"
        : status >= 500 ? $"as {role} → {status}"
        : null;

    /// <summary>Another provider's resource must be 404: anything else tells it exists.</summary>
    public static bool IsForeignLeak(HttpStatusCode status) => status != HttpStatusCode.NotFound;

    private static void ReliabilityFiguresFor(ITestOutputHelper output, params (string, long)[] figures) =>
        Reliability.ReliabilityFigures.Report(output, figures);
}

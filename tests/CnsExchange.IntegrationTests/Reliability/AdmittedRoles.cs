using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>
/// For each operation (method and path template as the OpenAPI document writes them), a role whose key the endpoint's
/// policy admits, named as a sandbox names its keys (<see cref="Sandboxes.SandboxApi.Roles"/>, and "operator"): a provider
/// of the kind the path serves, the insured channel, a reviewer, the admin, the operator. The default sandbox's key of a
/// role is "sandbox-" and the role.
/// </summary>
public static class AdmittedRoles
{
    public static Dictionary<string, string> Of(IServiceProvider services)
    {
        var roles = new Dictionary<string, string>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (CnsExchange.Api.Infrastructure.Policies.AllowedRoles(endpoint) is not { } allowed) continue;
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), @"\{([^:}]+)(:[^}]*)?\}", "{$1}");
            var role = allowed.Split([", ", " or "], StringSplitOptions.None)[0] switch
            {
                "provider" when path.Contains("cure-authorisations") => "thermal-1",
                "provider" when path.Contains("rehabilitation-authorisations") => "rehab-1",
                "provider" when path.Contains("hospital-stays") => "hospital-1",
                "provider" => "physio-1",
                "insured-channel" => "insured-app",
                "reviewer" => "reviewer",
                "admin" => "admin",
                "operator" => "operator",
                _ => null,
            };
            if (role is null) continue;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                roles[$"{method} {path.TrimEnd('/')}"] = role;
        }
        return roles;
    }
}

namespace CnsExchange.Api.Endpoints;

/// <summary>Feature endpoint groups (validation, billing, payment runs, other domains) register here.</summary>
public static partial class EndpointRegistry
{
    public static void MapFeatureEndpoints(RouteGroupBuilder api)
    {
    }
}

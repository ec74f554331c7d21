namespace CnsExchange.Api.Endpoints;

/// <summary>An endpoint group of one feature area; every implementation in this assembly is mapped under /api/v1.</summary>
public interface IEndpointGroup
{
    void Map(RouteGroupBuilder api);
}

public static class EndpointRegistry
{
    public static void MapFeatureEndpoints(RouteGroupBuilder api)
    {
        var groups = typeof(EndpointRegistry).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEndpointGroup).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in groups) ((IEndpointGroup)Activator.CreateInstance(type)!).Map(api);
    }
}

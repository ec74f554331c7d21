using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.Application;

public static class ApplicationServices
{
    /// <summary>The request pipeline and one rule set per kind of request.</summary>
    public static IServiceCollection AddRequestPipeline(this IServiceCollection services)
    {
        services.AddScoped<Features.Events.IEvents, Features.Events.OutboxEvents>();
        services.AddScoped<RequestPipeline>();
        services.AddScoped<IRequestRuleSet, PhysioValidationRuleSet>();
        services.AddScoped<IRequestRuleSet, CureAuthorisationRuleSet>();
        services.AddScoped<IRequestRuleSet, RehabilitationRuleSet>();
        // LIF-04: the port through which any feature takes back a paid line (reversals, recoveries, CUR-09).
        services.AddScoped<Features.Lifecycle.IRecoveries, Features.Lifecycle.LineRecoveries>();
        services.AddScoped<Features.HospitalStays.HospitalStayReleases>();
        return services;
    }
}

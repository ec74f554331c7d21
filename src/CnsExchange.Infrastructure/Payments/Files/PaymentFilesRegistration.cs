using CnsExchange.Application.Features.PaymentRuns.Files;
using Microsoft.Extensions.DependencyInjection;

namespace CnsExchange.Infrastructure.Payments.Files;

public static class PaymentFilesRegistration
{
    /// <summary>The payment-file writers: stateless, so singletons.</summary>
    public static IServiceCollection AddPaymentFiles(this IServiceCollection services)
    {
        services.AddSingleton<IPain001Writer, Pain001Writer>();
        services.AddSingleton<IReturnFileWriter, ReturnFileWriter>();
        return services;
    }
}

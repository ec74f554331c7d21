using Microsoft.EntityFrameworkCore.Design;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the API.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DependencyInjection.ConfigureDbContext(options, Environment.GetEnvironmentVariable("ConnectionStrings__Cns") ?? "Host=localhost;Database=cns_design");
        return new AppDbContext(options.Options);
    }
}

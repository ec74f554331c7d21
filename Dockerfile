# syntax=docker/dockerfile:1
# Multi-stage build: SDK to build, ASP.NET runtime to run, as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props CnsExchange.sln ./
COPY src/CnsExchange.Domain/CnsExchange.Domain.csproj src/CnsExchange.Domain/
COPY src/CnsExchange.Application/CnsExchange.Application.csproj src/CnsExchange.Application/
COPY src/CnsExchange.Infrastructure/CnsExchange.Infrastructure.csproj src/CnsExchange.Infrastructure/
COPY src/CnsExchange.Api/CnsExchange.Api.csproj src/CnsExchange.Api/
RUN dotnet restore src/CnsExchange.Api/CnsExchange.Api.csproj
COPY src/ src/
# The published schemas (XSD) are embedded from openapi/.
COPY openapi/ openapi/
RUN dotnet publish src/CnsExchange.Api/CnsExchange.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
RUN groupadd --system cns && useradd --system --gid cns --no-create-home cns
COPY --from=build /app .
USER cns
# DOTNET_GCgen0size: the GC's gen0 budget, 16 MiB whatever the host's L3 size; MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_:
# at most 2 glibc malloc arenas instead of 8 per core, blocks of 64 KiB or more mapped on their own (see CnsExchange.Api.csproj;
# the same values as scripts/lib/api.sh api_runtime_env).
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_GCgen0size=0x1000000 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=65536
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD ["dotnet", "CnsExchange.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "CnsExchange.Api.dll"]

# One image for the orchestrator silo (and its `migrate` command); the NICEPAY sandbox has its own stage.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Silo/Orchestrator.Silo.csproj -c Release -o /out/silo \
 && dotnet publish src/NicepaySandbox/Orchestrator.NicepaySandbox.csproj -c Release -o /out/sandbox

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Orchestrator.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS sandbox
WORKDIR /app
COPY --from=build /out/sandbox .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "Orchestrator.NicepaySandbox.dll"]

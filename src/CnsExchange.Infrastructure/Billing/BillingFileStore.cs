using System.Security.Cryptography;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Infrastructure.IO;
using NpgsqlTypes;

namespace CnsExchange.Infrastructure.Billing;

/// <summary>The database connections of billing file contents, apart from the request's DbContext.</summary>
public sealed class BillingDataSource(NpgsqlDataSource source)
{
    public NpgsqlDataSource Source { get; } = source;

    /// <summary>A connection under the unit of work's sandbox (row-level security).</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await Source.OpenConnectionAsync(ct);
        await Persistence.SandboxConnectionInterceptor.ApplyAsync(connection, ct);
        return connection;
    }
}

/// <summary>
/// Stores billing files in PostgreSQL as 1 MiB <c>bytea</c> chunks, and reads them back chunk by chunk: a 100 MB file
/// never sits in memory. An upload first streams into a temporary file (hashing on the way) with no database
/// connection open, then goes into the database in one short transaction: a slow client holds no transaction (issue 15).
/// </summary>
internal sealed class BillingFileStore(BillingDataSource data, TimeProvider clock, Sandbox.SandboxStorageQuota quota) : IBillingFileStore
{
    public const int ChunkSize = 1024 * 1024;

    public async Task<StoredContent> SaveAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        // Deleted when closed, whatever happens next.
        await using var spool = new FileStream(Path.Combine(Path.GetTempPath(), "cnsexchange-upload-" + Guid.NewGuid().ToString("N")),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        long total = 0;
        while (true)
        {
            var read = await content.ReadAsync(buffer, ct);
            if (read == 0) break;
            total += read;
            if (total > maxBytes)
                throw new PayloadTooLargeException("file", $"A billing file may have at most {maxBytes / (1024 * 1024)} MiB.");
            sha.AppendData(buffer, 0, read);
            await spool.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        spool.Position = 0;
        return await StoreAsync(spool, total, Convert.ToHexStringLower(sha.GetHashAndReset()), buffer, ct);
    }

    /// <summary>The spooled content into the database: one transaction, as long as writing the chunks takes.</summary>
    private async Task<StoredContent> StoreAsync(Stream spool, long size, string hash, byte[] buffer, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var conn = await data.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var header = new NpgsqlCommand(
            "INSERT INTO cns.billing_file_contents (id, size_bytes, sha256, created_at) VALUES (@id, @size, @sha, @created_at)", conn, tx))
        {
            header.Parameters.AddWithValue("id", id);
            header.Parameters.AddWithValue("size", size);
            header.Parameters.AddWithValue("sha", hash);
            header.Parameters.AddWithValue("created_at", clock.GetUtcNow().ToUniversalTime());
            await header.ExecuteNonQueryAsync(ct);
        }
        await quota.ChargeAsync(conn, tx, size, ct); // past the sandbox's quota nothing is written: the charge rolls back with it

        var seq = 0;
        await using var insert = new NpgsqlCommand("INSERT INTO cns.billing_file_chunks (content_id, seq, data) VALUES (@id, @seq, @data)", conn, tx);
        var pId = insert.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id });
        var pSeq = insert.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Integer));
        var pData = insert.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea));
        while (true)
        {
            var filled = await spool.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            if (filled == 0) break;
            pSeq.Value = seq++;
            pData.Value = new ArraySegment<byte>(buffer, 0, filled);
            await insert.ExecuteNonQueryAsync(ct);
            if (filled < buffer.Length) break;
        }
        await tx.CommitAsync(ct);
        return new StoredContent(id, size, hash);
    }

    public async Task DeleteAsync(Guid contentId, CancellationToken ct)
    {
        await using var conn = await data.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "DELETE FROM cns.billing_file_contents c WHERE c.id = @id AND NOT EXISTS (SELECT 1 FROM cns.billing_files f WHERE f.content_id = c.id)", conn);
        cmd.Parameters.AddWithValue("id", contentId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public Stream OpenRead(Guid contentId) => new ChunkStream(data, contentId);

    /// <summary>
    /// Reads the chunks in order on a connection of its own, into one buffer reused for every chunk: a 100 MB file
    /// leaves no trail of 1 MiB arrays behind for the garbage collector (they would live on the large object heap).
    /// </summary>
    private sealed class ChunkStream(BillingDataSource source, Guid contentId) : ForwardReadStream
    {
        private NpgsqlConnection? _conn;
        private readonly byte[] _chunk = new byte[ChunkSize];
        private int _length;
        private int _offset;
        private int _seq;
        private bool _done;

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (buffer.Length == 0) return 0;
            while (_offset >= _length)
            {
                if (_done || !await NextChunkAsync(ct)) return 0;
            }
            var n = Math.Min(buffer.Length, _length - _offset);
            _chunk.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            return Advance(n);
        }

        private async Task<bool> NextChunkAsync(CancellationToken ct)
        {
            _conn ??= await source.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT data FROM cns.billing_file_chunks WHERE content_id = @id AND seq = @seq", _conn);
            cmd.Parameters.AddWithValue("id", contentId);
            cmd.Parameters.AddWithValue("seq", _seq);
            await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            if (!await reader.ReadAsync(ct))
            {
                _done = true;
                return false;
            }
            var length = (int)reader.GetBytes(0, 0, null, 0, 0);
            if (length > _chunk.Length) throw new InvalidDataException($"Chunk {_seq} of billing file content {contentId} is larger than {ChunkSize} bytes.");
            _length = (int)reader.GetBytes(0, 0, _chunk, 0, length);
            _seq++;
            _offset = 0;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _conn?.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_conn is not null) await _conn.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}

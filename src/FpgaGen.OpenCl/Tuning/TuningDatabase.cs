using System.Globalization;
using System.Text.Json;
using FpgaGen.OpenCl.Kernels;
using Microsoft.Data.Sqlite;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// The tuning database: an SQLite file of <see cref="TuningEntry"/>s (kernel, device name, exact shape) and their
/// trials. Every trial is committed on its own as soon as it is measured, in WAL mode with a busy timeout, so two
/// `fpgagen tune` runs on the same file interleave their writes and lose none, and an interrupted run keeps all it
/// measured. Lookup falls back like CLBlast's database: device name → same vendor and device type → built-in
/// default; within a level it prefers the query's shape class, else the nearest shape. <see cref="Export"/> and
/// <see cref="Import"/> move entries through JSON files for sharing (see <see cref="TuningExchange"/>).
/// </summary>
public sealed class TuningDatabase : IDisposable
{
    /// <summary>PRAGMA application_id marking our files ("FPGT"); sqlite.org/fileformat.html, offset 68.</summary>
    public const int ApplicationId = 0x46504754;

    /// <summary>PRAGMA user_version: the schema this build reads and writes.</summary>
    public const int SchemaVersion = 1;

    /// <summary>How long a write waits for another process's transaction before giving up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteConnection _connection;

    private TuningDatabase(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    /// <summary>The file (":memory:" for the empty database of <see cref="OpenIfExists"/>).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, creating the file when it does not exist (its folder must). A path that is a
    /// folder, a missing folder, a file that is not SQLite or an SQLite file of another application is an
    /// <see cref="InputException"/>.
    /// </summary>
    public static TuningDatabase Open(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputException("the tuning database path is empty");
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException($"{path}: is a folder, not a tuning database file");
        var dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new InputException($"{path}: cannot create the tuning database: folder {dir} does not exist");
        if (System.IO.Path.GetExtension(full).Equals(".json", StringComparison.OrdinalIgnoreCase))
            throw new InputException($"{path}: the tuning database is an SQLite file (e.g. tuning.sqlite); " +
                                     $"to use a JSON tuning file, import it: fpgagen tune --import {path} --db FILE.sqlite");
        var existed = File.Exists(full);
        // SQLite takes a short file of any content for a database and writes its schema over it: check the header first.
        if (existed && !IsSqliteOrEmpty(full))
            throw new InputException($"{path}: not an SQLite file; tuning databases are SQLite now " +
                                     $"(a JSON tuning file from an older fpgagen can be imported: fpgagen tune --import FILE.json)");
        try
        {
            return Connect(full, path, SqliteOpenMode.ReadWriteCreate);
        }
        catch when (!existed)
        {
            // A database that could not be set up (a full disk) leaves no empty file behind.
            foreach (var f in new[] { full, full + "-wal", full + "-shm", full + "-journal" })
            {
                try { File.Delete(f); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> when it exists, else an empty in-memory database (lookups then give defaults).</summary>
    public static TuningDatabase OpenIfExists(string path) =>
        File.Exists(path) ? Open(path) : Connect(":memory:", ":memory:", SqliteOpenMode.Memory);

    private static TuningDatabase Connect(string dataSource, string shownPath, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource,
            Mode = mode,
            // Unpooled: Dispose really closes the file, so the last connection checkpoints the WAL and removes it.
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        var db = new TuningDatabase(connection, shownPath);
        try
        {
            db.Guard(() =>
            {
                connection.Open();
                db.Initialize(mode != SqliteOpenMode.Memory);
                return 0;
            });
            return db;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Every entry with its trials, ordered by kernel, device name and shape.</summary>
    public IReadOnlyList<TuningEntry> Entries => Guard(() => ReadEntries(kernel: null));

    /// <summary>
    /// The entry for this kernel, device and exact shape as stored now (empty trials when absent). A snapshot:
    /// <see cref="FindTrial"/> sees what other runs recorded since.
    /// </summary>
    public TuningEntry EntryFor(DeviceIdentity device, TuningShape shape) => Guard(() =>
    {
        var entry = NewEntry(device, shape, DateTimeOffset.MinValue);
        using var cmd = Command("""
            SELECT t.parameters, t.median_ns, t.gflops, t.error, e.updated FROM entries e JOIN trials t ON t.entry_id = e.id
            WHERE e.kernel = $kernel AND e.device_name = $device AND e.shape = $shape
            """, ("$kernel", shape.Kernel), ("$device", device.Name), ("$shape", shape.Text));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            entry.Trials[reader.GetString(0)] = ReadTrial(reader, 1);
            entry.Updated = ParseTime(reader.GetString(4));
        }
        return entry;
    });

    /// <summary>The stored outcome of candidate <paramref name="key"/> for this device and shape, if any run recorded one.</summary>
    public TrialRecord? FindTrial(DeviceIdentity device, TuningShape shape, string key) => Guard(() =>
    {
        using var cmd = Command("""
            SELECT t.median_ns, t.gflops, t.error FROM entries e JOIN trials t ON t.entry_id = e.id
            WHERE e.kernel = $kernel AND e.device_name = $device AND e.shape = $shape AND t.parameters = $key
            """, ("$kernel", shape.Kernel), ("$device", device.Name), ("$shape", shape.Text), ("$key", key));
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadTrial(reader, 0) : null;
    });

    /// <summary>Stores one trial (replacing an earlier outcome of the same candidate) in its own transaction.</summary>
    public void Record(DeviceIdentity device, TuningShape shape, string key, TrialRecord trial) => Guard(() =>
    {
        using var tx = _connection.BeginTransaction(); // BEGIN IMMEDIATE: takes the write lock up front, waiting out other writers
        var id = UpsertEntry(NewEntry(device, shape, DateTimeOffset.UtcNow), tx);
        using var cmd = Command("""
            INSERT INTO trials (entry_id, parameters, median_ns, gflops, error) VALUES ($id, $key, $median, $gflops, $error)
            ON CONFLICT (entry_id, parameters) DO UPDATE SET median_ns = excluded.median_ns, gflops = excluded.gflops, error = excluded.error
            """, ("$id", id), ("$key", key), ("$median", trial.MedianNs), ("$gflops", trial.Gflops), ("$error", trial.Error));
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
        tx.Commit();
        return 0;
    });

    /// <summary>
    /// Best known parameters for <paramref name="shape"/> on <paramref name="device"/>, or
    /// <paramref name="fallback"/> (the kernel's default) with <see cref="TuningMatch.Default"/>.
    /// </summary>
    public TunedParameters Lookup(DeviceIdentity device, TuningShape shape, KernelParameters fallback)
    {
        var tuned = Guard(() => ReadEntries(shape.Kernel)).Where(e => e.Best is not null).ToList();
        var levels = new (TuningMatch, Func<TuningEntry, bool>)[]
        {
            (TuningMatch.Device, e => e.Device.Name == device.Name),
            (TuningMatch.VendorAndType, e => e.Device.Vendor == device.Vendor && e.Device.Type == device.Type),
        };
        foreach (var (match, accepts) in levels)
        {
            var pick = tuned.Where(accepts)
                .OrderBy(e => e.ShapeClass == shape.Class ? 0 : 1)
                .ThenBy(e => shape.Distance(e.Features))
                .ThenByDescending(e => e.Best!.Gflops)
                .FirstOrDefault();
            if (pick is not null)
                return new TunedParameters(KernelParameters.Parse(pick.Best!.Parameters), match, pick.Shape, pick.ShapeClass == shape.Class, pick.Best.Gflops);
        }
        return new TunedParameters(fallback, TuningMatch.Default, null, false, null);
    }

    /// <summary>Writes every entry to <paramref name="file"/> in the JSON exchange format; returns how many.</summary>
    public int Export(string file)
    {
        var entries = Entries;
        TuningExchange.Write(file, entries);
        return entries.Count;
    }

    /// <summary>
    /// Adds the entries of a JSON exchange file in one transaction (a bad file imports nothing). For a candidate
    /// both hold, the database's trial is kept: it was measured here or imported earlier.
    /// </summary>
    public ImportSummary Import(string file)
    {
        var entries = TuningExchange.Read(file);
        return Guard(() =>
        {
            int added = 0, kept = 0;
            using var tx = _connection.BeginTransaction();
            foreach (var entry in entries)
            {
                var id = UpsertEntry(entry, tx);
                foreach (var (key, trial) in entry.Trials)
                {
                    using var cmd = Command("""
                        INSERT INTO trials (entry_id, parameters, median_ns, gflops, error) VALUES ($id, $key, $median, $gflops, $error)
                        ON CONFLICT (entry_id, parameters) DO NOTHING
                        """, ("$id", id), ("$key", key), ("$median", trial.MedianNs), ("$gflops", trial.Gflops), ("$error", trial.Error));
                    cmd.Transaction = tx;
                    if (cmd.ExecuteNonQuery() == 1) added++;
                    else kept++;
                }
            }
            tx.Commit();
            return new ImportSummary(entries.Count, added, kept);
        });
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>WAL and the busy timeout, then the schema (created in a write transaction, so two first opens do not race).</summary>
    private void Initialize(bool file)
    {
        // busy_timeout makes SQLite itself wait for a lock instead of failing with SQLITE_BUSY (sqlite.org/pragma.html#pragma_busy_timeout).
        Execute($"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
        // WAL lets readers run beside the one writer and is persistent in the file (sqlite.org/wal.html). It needs shared
        // memory, which network file systems may lack; SQLite then keeps the rollback journal, still safe with the timeout.
        if (file) Execute("PRAGMA journal_mode = WAL");
        using var tx = _connection.BeginTransaction();
        var app = Scalar("PRAGMA application_id", tx);
        var version = Scalar("PRAGMA user_version", tx);
        var tables = Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", tx);
        if (app != ApplicationId && (app != 0 || tables != 0))
            throw new InputException($"{Path}: an SQLite file but not an fpgagen tuning database");
        if (version > SchemaVersion)
            throw new InputException($"{Path}: tuning database schema {version} is newer than this build reads ({SchemaVersion})");
        Execute($"""
            PRAGMA application_id = {ApplicationId};
            PRAGMA user_version = {SchemaVersion};
            CREATE TABLE IF NOT EXISTS entries (
                id INTEGER PRIMARY KEY,
                kernel TEXT NOT NULL,
                device_name TEXT NOT NULL,
                device_vendor TEXT NOT NULL,
                device_type TEXT NOT NULL,
                device_driver TEXT,
                shape TEXT NOT NULL,
                shape_class TEXT NOT NULL,
                features TEXT NOT NULL,
                updated TEXT NOT NULL,
                UNIQUE (kernel, device_name, shape));
            CREATE TABLE IF NOT EXISTS trials (
                entry_id INTEGER NOT NULL REFERENCES entries (id),
                parameters TEXT NOT NULL,
                median_ns REAL,
                gflops REAL,
                error TEXT,
                PRIMARY KEY (entry_id, parameters)) WITHOUT ROWID;
            """, tx);
        tx.Commit();
    }

    /// <summary>Inserts the entry or advances its update time; returns its id.</summary>
    private long UpsertEntry(TuningEntry entry, SqliteTransaction tx)
    {
        using var cmd = Command("""
            INSERT INTO entries (kernel, device_name, device_vendor, device_type, device_driver, shape, shape_class, features, updated)
            VALUES ($kernel, $device, $vendor, $type, $driver, $shape, $class, $features, $updated)
            ON CONFLICT (kernel, device_name, shape) DO UPDATE SET updated = max(updated, excluded.updated)
            RETURNING id
            """,
            ("$kernel", entry.Kernel), ("$device", entry.Device.Name), ("$vendor", entry.Device.Vendor), ("$type", entry.Device.Type),
            ("$driver", entry.Device.Driver), ("$shape", entry.Shape), ("$class", entry.ShapeClass),
            ("$features", JsonSerializer.Serialize(entry.Features)), ("$updated", FormatTime(entry.Updated)));
        cmd.Transaction = tx;
        return (long)cmd.ExecuteScalar()!;
    }

    private List<TuningEntry> ReadEntries(string? kernel)
    {
        var entries = new Dictionary<long, TuningEntry>();
        using (var cmd = Command("""
                   SELECT id, kernel, device_name, device_vendor, device_type, device_driver, shape, shape_class, features, updated
                   FROM entries WHERE $kernel IS NULL OR kernel = $kernel ORDER BY kernel, device_name, shape
                   """, ("$kernel", kernel)))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
                entries[reader.GetInt64(0)] = new TuningEntry
                {
                    Kernel = reader.GetString(1),
                    Device = new DeviceIdentity(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)),
                    Shape = reader.GetString(6), ShapeClass = reader.GetString(7),
                    Features = JsonSerializer.Deserialize<double[]>(reader.GetString(8)) ?? [],
                    Updated = ParseTime(reader.GetString(9)),
                };
        using (var cmd = Command("""
                   SELECT t.entry_id, t.parameters, t.median_ns, t.gflops, t.error FROM trials t JOIN entries e ON e.id = t.entry_id
                   WHERE $kernel IS NULL OR e.kernel = $kernel
                   """, ("$kernel", kernel)))
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
                entries[reader.GetInt64(0)].Trials[reader.GetString(1)] = ReadTrial(reader, 2);
        return entries.Values.ToList(); // insertion order: the ORDER BY above
    }

    private static TuningEntry NewEntry(DeviceIdentity device, TuningShape shape, DateTimeOffset updated) => new()
    {
        Kernel = shape.Kernel, Device = device, Shape = shape.Text, ShapeClass = shape.Class, Features = shape.Features, Updated = updated,
    };

    private static TrialRecord ReadTrial(SqliteDataReader reader, int first) => new(
        reader.IsDBNull(first) ? null : reader.GetDouble(first),
        reader.IsDBNull(first + 1) ? null : reader.GetDouble(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2));

    // Round-trip UTC text sorts in time order, which the max() in UpsertEntry relies on.
    private static string FormatTime(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(sql);
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql, SqliteTransaction tx)
    {
        using var cmd = Command(sql);
        cmd.Transaction = tx;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>An empty file or one that starts with SQLite's 16-byte header "SQLite format 3\0" (sqlite.org/fileformat.html, 1.3).</summary>
    private static bool IsSqliteOrEmpty(string file)
    {
        try
        {
            using var stream = InputFile.OpenRead(file, long.MaxValue, "tuning database (SQLite)");
            if (stream.Length == 0) return true;
            var head = new byte[16];
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.AsSpan().SequenceEqual("SQLite format 3\0"u8);
        }
        catch (IOException)
        {
            return true; // let SQLite say why it cannot open it
        }
    }

    /// <summary>True when this process may not create files in the folder of <paramref name="path"/> (access(2), W_OK).</summary>
    private static bool FolderNotWritable(string path) =>
        path != ":memory:" && Mono.Unix.Native.Syscall.access(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, Mono.Unix.Native.AccessModes.W_OK) != 0;

    /// <summary>True when the file system holding <paramref name="path"/> has no free byte left (SQLite reports a full disk in WAL mode as an I/O error).</summary>
    private static bool NoSpaceLeft(string path)
    {
        try
        {
            return path != ":memory:" && new DriveInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!).AvailableFreeSpace == 0;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// SQLite failures become one-line errors naming the file: input errors (exit 2) for files and places the user
    /// gave, output errors (exit 1) for a write that failed during the work.
    /// </summary>
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            // Extended codes reduce to primary ones in the low byte (sqlite.org/rescode.html): 26 SQLITE_NOTADB, 14 SQLITE_CANTOPEN.
            throw (e.SqliteErrorCode & 0xFF) switch
            {
                26 => new InputException($"{Path}: not an SQLite file; tuning databases are SQLite now " +
                                         $"(a JSON tuning file from an older fpgagen can be imported: fpgagen tune --import FILE.json)"),
                14 => new InputException($"{Path}: cannot open the tuning database ({e.Message.TrimEnd('.')})" +
                                         (FolderNotWritable(Path) ? "; its folder cannot be written (read-only or permissions), and SQLite writes its journal beside the file" : "")),
                // 8 SQLITE_READONLY: the file or its folder cannot be written (a read-only mount, permissions): the user's to fix.
                8 => new InputException($"{Path}: the tuning database cannot be written there (read-only); pass --db FILE.sqlite in a writable folder"),
                // 13 SQLITE_FULL, 10 SQLITE_IOERR: writing failed during the work (exit 1); SQLite rolled the transaction back.
                13 => new OutputException($"writing the tuning database {Path} failed: no space left on the device; trials committed earlier are kept", e),
                10 => new OutputException($"writing the tuning database {Path} failed: disk I/O error{(NoSpaceLeft(Path) ? " (no space left on the device)" : "")}; trials committed earlier are kept", e),
                _ => new InputException($"{Path}: tuning database error: {e.Message}"),
            };
        }
    }
}

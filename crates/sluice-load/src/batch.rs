//! A page's rows of one table as an Arrow record batch, the shape DuckDB's appender takes a column
//! at a time. Binding cell by cell through the C API cost a call per cell, NULL or not: 15% of a
//! sync of 10,000 columns, where almost every cell is NULL. A column here is one typed Arrow
//! array; DuckDB casts it as a whole where the table's type differs (JSON, DECIMAL, TIMESTAMPTZ,
//! narrower integers), the same casts it applied to single values before.

use std::sync::Arc;

use duckdb::arrow::array::{
    new_null_array, ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Float64Builder,
    Int64Builder, StringBuilder, Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
};
use duckdb::arrow::datatypes::{DataType as ArrowType, Field, Schema as ArrowSchema};
use duckdb::arrow::record_batch::RecordBatch;
use sluice_config::DataType;

use crate::schema::Table;
use crate::value::Cell;
use crate::{Error, Result};

/// One column being built, typed by the schema column's data type.
enum Builder {
    Text(StringBuilder),
    Bigint(Int64Builder),
    Double(Float64Builder),
    Bool(BooleanBuilder),
    Timestamp(TimestampMicrosecondBuilder),
    Date(Date32Builder),
    Time(Time64MicrosecondBuilder),
    Binary(BinaryBuilder),
    /// A column of the file the schema does not know (a file dlt made): every row NULL.
    Absent,
}

impl Builder {
    fn new(data_type: Option<DataType>, rows: usize) -> Builder {
        use DataType as T;
        match data_type {
            None => Builder::Absent,
            Some(T::Text | T::Json | T::Decimal | T::Wei) => {
                // Most cells of a wide table are NULL: room for the offsets, text grows as needed.
                Builder::Text(StringBuilder::with_capacity(rows, 0))
            }
            Some(T::Bigint) => Builder::Bigint(Int64Builder::with_capacity(rows)),
            Some(T::Double) => Builder::Double(Float64Builder::with_capacity(rows)),
            Some(T::Bool) => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            Some(T::Timestamp) => {
                Builder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows))
            }
            Some(T::Date) => Builder::Date(Date32Builder::with_capacity(rows)),
            Some(T::Time) => Builder::Time(Time64MicrosecondBuilder::with_capacity(rows)),
            Some(T::Binary) => Builder::Binary(BinaryBuilder::with_capacity(rows, 0)),
        }
    }

    /// Adds `cell`; false when the cell is not of the column's kind (the normalizer coerces every
    /// value into its column's type, so this is a defect, reported rather than cast silently).
    fn push(&mut self, cell: &Cell) -> bool {
        match (self, cell) {
            (Builder::Absent, _) => {}
            (Builder::Text(b), Cell::Null) => b.append_null(),
            (Builder::Bigint(b), Cell::Null) => b.append_null(),
            (Builder::Double(b), Cell::Null) => b.append_null(),
            (Builder::Bool(b), Cell::Null) => b.append_null(),
            (Builder::Timestamp(b), Cell::Null) => b.append_null(),
            (Builder::Date(b), Cell::Null) => b.append_null(),
            (Builder::Time(b), Cell::Null) => b.append_null(),
            (Builder::Binary(b), Cell::Null) => b.append_null(),
            (Builder::Text(b), Cell::Text(v)) => b.append_value(v),
            (Builder::Text(b), Cell::Shared(v)) => b.append_value(v),
            (Builder::Bigint(b), Cell::Bigint(v)) => b.append_value(*v),
            (Builder::Double(b), Cell::Double(v)) => b.append_value(*v),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(*v),
            (Builder::Timestamp(b), Cell::Timestamp(v)) => b.append_value(*v),
            (Builder::Date(b), Cell::Date(v)) => b.append_value(*v),
            (Builder::Time(b), Cell::Time(v)) => b.append_value(*v),
            (Builder::Binary(b), Cell::Binary(v)) => b.append_value(v),
            _ => return false,
        }
        true
    }

    fn finish(self, rows: usize) -> ArrayRef {
        match self {
            Builder::Absent => new_null_array(&ArrowType::Utf8, rows),
            Builder::Text(mut b) => Arc::new(b.finish()),
            Builder::Bigint(mut b) => Arc::new(b.finish()),
            Builder::Double(mut b) => Arc::new(b.finish()),
            Builder::Bool(mut b) => Arc::new(b.finish()),
            Builder::Timestamp(mut b) => Arc::new(b.finish()),
            Builder::Date(mut b) => Arc::new(b.finish()),
            Builder::Time(mut b) => Arc::new(b.finish()),
            Builder::Binary(mut b) => Arc::new(b.finish()),
        }
    }
}

/// `rows` of `table` (cells in the schema's column order, short rows padded with NULL) as a
/// record batch whose columns are the file's, in its order: `db_columns`.
pub(crate) fn record_batch<'a>(
    table: &Table,
    db_columns: impl ExactSizeIterator<Item = &'a String>,
    rows: &[Vec<Cell>],
) -> Result<RecordBatch> {
    let mut fields = Vec::with_capacity(db_columns.len());
    let mut positions = Vec::with_capacity(db_columns.len());
    let mut builders = Vec::with_capacity(db_columns.len());
    for name in db_columns {
        let position = table.columns.get_index_of(name);
        let column = position.map(|i| &table.columns[i]);
        let builder = Builder::new(column.map(|c| c.data_type), rows.len());
        fields.push(Field::new(name, arrow_type(&builder), true));
        positions.push(position);
        builders.push(builder);
    }
    const NULL: Cell = Cell::Null;
    // Row by row: each row's cells are read once, in order; the builders only append.
    for row in rows {
        for (builder, position) in builders.iter_mut().zip(&positions) {
            let cell = position.and_then(|i| row.get(i)).unwrap_or(&NULL);
            if !builder.push(cell) {
                let column = position.map_or("?", |i| table.columns[i].name.as_str());
                return Err(Error::Duckdb {
                    doing: format!("writing rows to {}", table.name),
                    message: format!("a value of column {column} is not of the column's type"),
                });
            }
        }
    }
    let columns = builders
        .into_iter()
        .map(|builder| builder.finish(rows.len()))
        .collect();
    RecordBatch::try_new(Arc::new(ArrowSchema::new(fields)), columns).map_err(|e| Error::Duckdb {
        doing: format!("writing rows to {}", table.name),
        message: e.to_string(),
    })
}

fn arrow_type(builder: &Builder) -> ArrowType {
    use duckdb::arrow::datatypes::TimeUnit;
    match builder {
        Builder::Text(_) | Builder::Absent => ArrowType::Utf8,
        Builder::Bigint(_) => ArrowType::Int64,
        Builder::Double(_) => ArrowType::Float64,
        Builder::Bool(_) => ArrowType::Boolean,
        Builder::Timestamp(_) => ArrowType::Timestamp(TimeUnit::Microsecond, None),
        Builder::Date(_) => ArrowType::Date32,
        Builder::Time(_) => ArrowType::Time64(TimeUnit::Microsecond),
        Builder::Binary(_) => ArrowType::Binary,
    }
}

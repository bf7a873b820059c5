# example: fixtures=pg_url
"""Lazy loading, joinedload and selectinload in SQLAlchemy 2.x, every statement counted."""

# --8<-- [start:models]
from sqlalchemy import BigInteger, ForeignKey, Numeric, Text, create_engine, event, make_url, select
from sqlalchemy.orm import DeclarativeBase, Session, joinedload, mapped_column, relationship
from sqlalchemy.orm import selectinload


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id = mapped_column(BigInteger, primary_key=True)
    name = mapped_column(Text, nullable=False)
    region = mapped_column(Text, nullable=False)
    orders = relationship("Order", back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    id = mapped_column(BigInteger, primary_key=True)
    customer_id = mapped_column(ForeignKey("customers.id"), nullable=False)
    status = mapped_column(Text, nullable=False)
    total = mapped_column(Numeric(12, 2), nullable=False)
    customer = relationship(Customer, back_populates="orders")


engine = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"))
statements: list[str] = []


@event.listens_for(engine, "before_cursor_execute")
def count(conn, cursor, statement, parameters, context, executemany):
    statements.append(statement)
# --8<-- [end:models]


# --8<-- [start:orders]
# The 50 latest pending orders and the name of each order's customer.
latest_pending = select(Order).where(Order.status == "pending").order_by(Order.id.desc()).limit(50)


def customer_names(*options):
    statements.clear()
    with Session(engine) as session:
        orders = session.scalars(latest_pending.options(*options)).all()
        names = [(order.id, order.customer.name) for order in orders]
    return names, len(statements)


lazy, lazy_count = customer_names()  # the default: lazy="select"
joined, joined_count = customer_names(joinedload(Order.customer))
selectin, selectin_count = customer_names(selectinload(Order.customer))
assert lazy == joined == selectin
print(f"lazy: {lazy_count}, joinedload: {joined_count}, selectinload: {selectin_count}")
# --8<-- [end:orders]

# --8<-- [start:collections]
# The other direction: LATAM customers with all their orders.
latam = select(Customer).where(Customer.region == "LATAM").order_by(Customer.id)
with Session(engine) as session:
    statements.clear()
    # joinedload of a collection repeats each customer once per order: unique() folds them.
    joined = session.scalars(latam.options(joinedload(Customer.orders))).unique().all()
    joined_orders = sum(len(c.orders) for c in joined)
    joined_collection_count = len(statements)
with Session(engine) as session:
    statements.clear()
    selectin = session.scalars(latam.options(selectinload(Customer.orders))).all()
    selectin_orders = sum(len(c.orders) for c in selectin)
    selectin_collection_count = len(statements)
assert joined_orders == selectin_orders
print(f"{len(selectin)} customers, {selectin_orders} orders")
print(f"joinedload: {joined_collection_count}, selectinload: {selectin_collection_count}")
# --8<-- [end:collections]
engine.dispose()

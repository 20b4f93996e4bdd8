"""recipients: a design's list and imports waiting for fixes

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('company', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('street', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('city_area', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('card_name', sa.String(length=60), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['design.id'], name=op.f('fk_recipient_design_id_design')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_recipient_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient'))
    )
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.create_index('ix_recipient_design_id_position', ['design_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_recipient_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('recipient_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_recipient_import_created_by_id_user')),
    sa.ForeignKeyConstraint(['design_id'], ['design.id'], name=op.f('fk_recipient_import_design_id_design')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_recipient_import_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_import'))
    )
    with op.batch_alter_table('recipient_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipient_import_design_id'), ['design_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recipient_import_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('recipient_import_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['recipient_import.id'], name=op.f('fk_recipient_import_row_import_id_recipient_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_import_row'))
    )
    with op.batch_alter_table('recipient_import_row', schema=None) as batch_op:
        batch_op.create_index('ix_recipient_import_row_import_id_line', ['import_id', 'line'], unique=False)



def downgrade():
    with op.batch_alter_table('recipient_import_row', schema=None) as batch_op:
        batch_op.drop_index('ix_recipient_import_row_import_id_line')

    op.drop_table('recipient_import_row')
    with op.batch_alter_table('recipient_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_import_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_recipient_import_design_id'))

    op.drop_table('recipient_import')
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_organisation_id'))
        batch_op.drop_index('ix_recipient_design_id_position')

    op.drop_table('recipient')

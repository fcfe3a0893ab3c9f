# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'about.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QLabel, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_AboutDialog(object):
    def setupUi(self, AboutDialog):
        if not AboutDialog.objectName():
            AboutDialog.setObjectName(u"AboutDialog")
        AboutDialog.resize(520, 300)
        self.mainLayout = QVBoxLayout(AboutDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.titleLabel = QLabel(AboutDialog)
        self.titleLabel.setObjectName(u"titleLabel")

        self.mainLayout.addWidget(self.titleLabel)

        self.versionLabel = QLabel(AboutDialog)
        self.versionLabel.setObjectName(u"versionLabel")
        self.versionLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.mainLayout.addWidget(self.versionLabel)

        self.purposeLabel = QLabel(AboutDialog)
        self.purposeLabel.setObjectName(u"purposeLabel")
        self.purposeLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.purposeLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.databaseCaption = QLabel(AboutDialog)
        self.databaseCaption.setObjectName(u"databaseCaption")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.databaseCaption)

        self.databaseLabel = QLabel(AboutDialog)
        self.databaseLabel.setObjectName(u"databaseLabel")
        self.databaseLabel.setWordWrap(True)
        self.databaseLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.databaseLabel)

        self.keyFileCaption = QLabel(AboutDialog)
        self.keyFileCaption.setObjectName(u"keyFileCaption")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.keyFileCaption)

        self.keyFileLabel = QLabel(AboutDialog)
        self.keyFileLabel.setObjectName(u"keyFileLabel")
        self.keyFileLabel.setWordWrap(True)
        self.keyFileLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.keyFileLabel)

        self.componentsCaption = QLabel(AboutDialog)
        self.componentsCaption.setObjectName(u"componentsCaption")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.componentsCaption)

        self.componentsLabel = QLabel(AboutDialog)
        self.componentsLabel.setObjectName(u"componentsLabel")
        self.componentsLabel.setWordWrap(True)
        self.componentsLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.componentsLabel)


        self.mainLayout.addLayout(self.formLayout)

        self.verticalSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(AboutDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Close)

        self.mainLayout.addWidget(self.buttonBox)


        self.retranslateUi(AboutDialog)

        QMetaObject.connectSlotsByName(AboutDialog)
    # setupUi

    def retranslateUi(self, AboutDialog):
        AboutDialog.setWindowTitle(QCoreApplication.translate("AboutDialog", u"About eSafety Desktop", None))
        self.titleLabel.setText(QCoreApplication.translate("AboutDialog", u"eSafety Desktop", None))
        self.versionLabel.setText("")
        self.purposeLabel.setText(QCoreApplication.translate("AboutDialog", u"The online-safety incident log and Acceptable Use Agreement register for a school's Designated Safeguarding Lead. Everything stays on this computer, encrypted.", None))
        self.databaseCaption.setText(QCoreApplication.translate("AboutDialog", u"School database", None))
        self.databaseLabel.setText("")
#if QT_CONFIG(accessibility)
        self.databaseLabel.setAccessibleDescription(QCoreApplication.translate("AboutDialog", u"Database path", None))
#endif // QT_CONFIG(accessibility)
        self.keyFileCaption.setText(QCoreApplication.translate("AboutDialog", u"Key file", None))
        self.keyFileLabel.setText("")
        self.componentsCaption.setText(QCoreApplication.translate("AboutDialog", u"Built with", None))
        self.componentsLabel.setText("")
    # retranslateUi


# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_location.ui'
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
from PySide6.QtWidgets import (QApplication, QCheckBox, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget, QWizardPage)

class Ui_SetupLocationPage(object):
    def setupUi(self, SetupLocationPage):
        if not SetupLocationPage.objectName():
            SetupLocationPage.setObjectName(u"SetupLocationPage")
        self.mainLayout = QVBoxLayout(SetupLocationPage)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(SetupLocationPage)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.pathLayout = QHBoxLayout()
        self.pathLayout.setObjectName(u"pathLayout")
        self.pathEdit = QLineEdit(SetupLocationPage)
        self.pathEdit.setObjectName(u"pathEdit")

        self.pathLayout.addWidget(self.pathEdit)

        self.browseButton = QPushButton(SetupLocationPage)
        self.browseButton.setObjectName(u"browseButton")

        self.pathLayout.addWidget(self.browseButton)


        self.mainLayout.addLayout(self.pathLayout)

        self.messageLabel = QLabel(SetupLocationPage)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.keyringBox = QGroupBox(SetupLocationPage)
        self.keyringBox.setObjectName(u"keyringBox")
        self.keyringLayout = QVBoxLayout(self.keyringBox)
        self.keyringLayout.setObjectName(u"keyringLayout")
        self.keyringLabel = QLabel(self.keyringBox)
        self.keyringLabel.setObjectName(u"keyringLabel")
        self.keyringLabel.setWordWrap(True)
        self.keyringLabel.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.keyringLayout.addWidget(self.keyringLabel)

        self.passwordOnlyCheck = QCheckBox(self.keyringBox)
        self.passwordOnlyCheck.setObjectName(u"passwordOnlyCheck")

        self.keyringLayout.addWidget(self.passwordOnlyCheck)

        self.keyringButtonLayout = QHBoxLayout()
        self.keyringButtonLayout.setObjectName(u"keyringButtonLayout")
        self.checkAgainButton = QPushButton(self.keyringBox)
        self.checkAgainButton.setObjectName(u"checkAgainButton")
        self.checkAgainButton.setAutoDefault(False)

        self.keyringButtonLayout.addWidget(self.checkAgainButton)

        self.keyringButtonSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.keyringButtonLayout.addItem(self.keyringButtonSpacer)


        self.keyringLayout.addLayout(self.keyringButtonLayout)


        self.mainLayout.addWidget(self.keyringBox)

        self.verticalSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)


        self.retranslateUi(SetupLocationPage)

        QMetaObject.connectSlotsByName(SetupLocationPage)
    # setupUi

    def retranslateUi(self, SetupLocationPage):
        SetupLocationPage.setTitle(QCoreApplication.translate("SetupLocationPage", u"Where to keep the school's records", None))
        SetupLocationPage.setSubTitle(QCoreApplication.translate("SetupLocationPage", u"eSafety Desktop keeps everything in one encrypted database file on this computer, with a small key file beside it.", None))
        self.introLabel.setText(QCoreApplication.translate("SetupLocationPage", u"The folder below is your own data folder on this computer, which is the right place for most schools. Choose another only if your IT support asks you to. A network drive cannot be used: the database could be damaged when two computers write to it.", None))
#if QT_CONFIG(accessibility)
        self.pathEdit.setAccessibleName(QCoreApplication.translate("SetupLocationPage", u"Database file", None))
#endif // QT_CONFIG(accessibility)
        self.browseButton.setText(QCoreApplication.translate("SetupLocationPage", u"&Choose\u2026", None))
        self.messageLabel.setText("")
        self.keyringBox.setTitle(QCoreApplication.translate("SetupLocationPage", u"This computer's keyring", None))
        self.keyringLabel.setText("")
        self.passwordOnlyCheck.setText(QCoreApplication.translate("SetupLocationPage", u"Protect the accounts on this PC by their &passwords alone", None))
        self.checkAgainButton.setText(QCoreApplication.translate("SetupLocationPage", u"Check the keyring &again", None))
    # retranslateUi

